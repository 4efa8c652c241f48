"""Capitals that stand for their countries, so a claim's wording need not be the article's.

News prose names a government by its capital: "Moscow and Islamabad consider the strategy
hopeless" says what "Russia and Pakistan" do; "Washington's new approach" is the United
States'. A yes/no question written with one ("Did Russia and Pakistan call the strategy
hopeless?") is supported by a sentence written with the other. This table is a general
gazetteer of the world's countries and their capitals, the counterpart of
``qa.synonyms`` for names; it holds no corpus fact.

Only one way: a capital stands for its country, as a government ("Moscow backs …") or as
a place (a meeting "held in Moscow" was held in Russia). A country does not stand for its
capital: "Was the meeting held in Islamabad?" is not borne out by "… in Pakistan". Other
cities, regions and demonyms are not names for one another here.
"""

from __future__ import annotations

import functools

# country: capital, one a line; alternative country names after a "|"
_TABLE = """
Afghanistan: Kabul
Albania: Tirana
Algeria: Algiers
Andorra: Andorra la Vella
Angola: Luanda
Argentina: Buenos Aires
Armenia: Yerevan
Australia: Canberra
Austria: Vienna
Azerbaijan: Baku
Bahrain: Manama
Bangladesh: Dhaka
Belarus: Minsk
Belgium: Brussels
Benin: Porto-Novo
Bhutan: Thimphu
Bolivia: Sucre
Bosnia and Herzegovina: Sarajevo
Botswana: Gaborone
Brazil: Brasilia
Bulgaria: Sofia
Burkina Faso: Ouagadougou
Burundi: Gitega
Cambodia: Phnom Penh
Cameroon: Yaounde
Canada: Ottawa
Chad: N'Djamena
Chile: Santiago
China: Beijing
Colombia: Bogota
Costa Rica: San Jose
Croatia: Zagreb
Cuba: Havana
Cyprus: Nicosia
Czech Republic: Prague | Czechia
Democratic Republic of the Congo: Kinshasa | DR Congo
Denmark: Copenhagen
Djibouti: Djibouti
Dominican Republic: Santo Domingo
Ecuador: Quito
Egypt: Cairo
El Salvador: San Salvador
Eritrea: Asmara
Estonia: Tallinn
Ethiopia: Addis Ababa
Finland: Helsinki
France: Paris
Gabon: Libreville
Georgia: Tbilisi
Germany: Berlin
Ghana: Accra
Greece: Athens
Guatemala: Guatemala City
Guinea: Conakry
Haiti: Port-au-Prince
Honduras: Tegucigalpa
Hungary: Budapest
Iceland: Reykjavik
India: New Delhi
Indonesia: Jakarta
Iran: Tehran
Iraq: Baghdad
Ireland: Dublin
Israel: Jerusalem
Italy: Rome
Ivory Coast: Yamoussoukro | Cote d'Ivoire
Jamaica: Kingston
Japan: Tokyo
Jordan: Amman
Kazakhstan: Astana
Kenya: Nairobi
Kosovo: Pristina
Kuwait: Kuwait City
Kyrgyzstan: Bishkek
Laos: Vientiane
Latvia: Riga
Lebanon: Beirut
Libya: Tripoli
Liechtenstein: Vaduz
Lithuania: Vilnius
Luxembourg: Luxembourg
Madagascar: Antananarivo
Malawi: Lilongwe
Malaysia: Kuala Lumpur
Mali: Bamako
Malta: Valletta
Mauritania: Nouakchott
Mexico: Mexico City
Moldova: Chisinau
Mongolia: Ulaanbaatar
Montenegro: Podgorica
Morocco: Rabat
Mozambique: Maputo
Myanmar: Naypyidaw | Burma
Namibia: Windhoek
Nepal: Kathmandu
Netherlands: Amsterdam | Holland
New Zealand: Wellington
Nicaragua: Managua
Niger: Niamey
Nigeria: Abuja
North Korea: Pyongyang
North Macedonia: Skopje
Norway: Oslo
Oman: Muscat
Pakistan: Islamabad
Panama: Panama City
Paraguay: Asuncion
Peru: Lima
Philippines: Manila
Poland: Warsaw
Portugal: Lisbon
Qatar: Doha
Republic of the Congo: Brazzaville
Romania: Bucharest
Russia: Moscow | Russian Federation
Rwanda: Kigali
Saudi Arabia: Riyadh
Senegal: Dakar
Serbia: Belgrade
Sierra Leone: Freetown
Singapore: Singapore
Slovakia: Bratislava
Slovenia: Ljubljana
Somalia: Mogadishu
South Africa: Pretoria
South Korea: Seoul
South Sudan: Juba
Spain: Madrid
Sri Lanka: Colombo
Sudan: Khartoum
Sweden: Stockholm
Switzerland: Bern
Syria: Damascus
Taiwan: Taipei
Tajikistan: Dushanbe
Tanzania: Dodoma
Thailand: Bangkok
Tunisia: Tunis
Turkey: Ankara | Turkiye
Turkmenistan: Ashgabat
Uganda: Kampala
Ukraine: Kyiv
United Arab Emirates: Abu Dhabi | UAE
United Kingdom: London | UK | Britain
United States: Washington | US | USA | America
Uruguay: Montevideo
Uzbekistan: Tashkent
Venezuela: Caracas
Vietnam: Hanoi
Yemen: Sanaa
Zambia: Lusaka
Zimbabwe: Harare
"""


@functools.cache
def _capitals() -> dict[str, str]:
    """Each country's names, lower-cased, with its capital."""
    out: dict[str, str] = {}
    for line in _TABLE.strip().splitlines():
        country, rest = line.split(":", 1)
        capital, *others = [part.strip() for part in rest.split("|")]
        for name in (country.strip(), *others):
            if name != capital:  # a city-state: the one name is both
                out[name.lower()] = capital
    return out


def capital_standing_for(name: str) -> str:
    """The capital that stands for ``name`` when it is a country ("Moscow" for "Russia",
    "Washington" for "the US"), else ""."""
    return _capitals().get(_key(name), "")


def _key(name: str) -> str:
    """A country's name as the table keys it: "the U.S." → "us"."""
    return " ".join(name.replace(".", "").split()).lower().removeprefix("the ")


# nouns for places within a country: a country is none of them
_WITHIN_A_COUNTRY = frozenset(
    "province provinces region regions city cities town towns village villages district "
    "districts county counties neighbourhood neighbourhoods neighborhood neighborhoods".split()
)


def is_country(name: str) -> bool:
    """Whether ``name`` is a country's name ("Russia", "the United States")."""
    return _key(name) in _capitals()


def names_no_such_place(noun: str, name: str) -> bool:
    """Whether ``name`` cannot be the place the noun asks for: a country is no province
    ("Which Afghan provinces …?" is not answered by "Russia")."""
    return noun.lower() in _WITHIN_A_COUNTRY and is_country(name)
