"""The demo companies' chart of accounts: a BAS 2024 subset with Swedish names, SRU (INK2) codes and VAT codes.

Names follow the BAS chart; SRU codes follow the INK2R/INK2S mapping (cross-checked against the mappings in
`shared/bas/`). Only characters that exist in CP437 are used, because the SIE export is written in PC8.
"""

from __future__ import annotations

from sandbox.records import ChartAccount

# number | name | SRU | VAT code
_BAS = """
1010|Utvecklingsutgifter|7201|
1019|Ackumulerade avskrivningar på balanserade utgifter|7201|
1030|Patent|7201|
1039|Ackumulerade avskrivningar på patent|7201|
1050|Varumärken|7201|
1059|Ackumulerade avskrivningar på varumärken|7201|
1060|Hyresrätter, tomträtter och liknande|7201|
1069|Ackumulerade avskrivningar på hyresrätter, tomträtter och liknande|7201|
1070|Goodwill|7201|
1079|Ackumulerade avskrivningar på goodwill|7201|
1110|Byggnader|7214|
1119|Ackumulerade avskrivningar på byggnader|7214|
1130|Mark|7214|
1150|Markanläggningar|7214|
1159|Ackumulerade avskrivningar på markanläggningar|7214|
1180|Pågående nyanläggningar och förskott för byggnader och mark|7216|
1210|Maskiner och andra tekniska anläggningar|7215|
1219|Ackumulerade avskrivningar på maskiner och andra tekniska anläggningar|7215|
1220|Inventarier och verktyg|7215|
1229|Ackumulerade avskrivningar på inventarier|7215|
1240|Bilar och andra transportmedel|7215|
1249|Ackumulerade avskrivningar på bilar och andra transportmedel|7215|
1250|Datorer|7215|
1259|Ackumulerade avskrivningar på datorer|7215|
1290|Övriga materiella anläggningstillgångar|7215|
1299|Ackumulerade avskrivningar på övriga materiella anläggningstillgångar|7215|
1310|Andelar i koncernföretag|7230|
1350|Andelar och värdepapper i andra företag|7233|
1380|Andra långfristiga fordringar|7235|
1383|Lämnade depositioner, långfristiga|7235|
1410|Lager av råvaror|7241|
1440|Produkter i arbete|7242|
1450|Lager av färdiga varor|7243|
1460|Lager av handelsvaror|7243|
1470|Pågående arbeten|7245|
1480|Förskott för varor och tjänster|7246|
1510|Kundfordringar|7251|
1513|Kundfordringar - delad faktura|7251|
1515|Osäkra kundfordringar|7251|
1519|Nedskrivning av kundfordringar|7251|
1610|Kortfristiga fordringar hos anställda|7261|
1611|Reseförskott|7261|
1613|Övriga förskott|7261|
1620|Upparbetad men ej fakturerad intäkt|7262|
1630|Avräkning för skatter och avgifter (skattekonto)|7261|
1640|Skattefordringar|7261|
1650|Momsfordran|7261|
1680|Andra kortfristiga fordringar|7261|
1710|Förutbetalda hyreskostnader|7263|
1720|Förutbetalda leasingavgifter|7263|
1730|Förutbetalda försäkringspremier|7263|
1750|Upplupna hyresintäkter|7263|
1790|Övriga förutbetalda kostnader och upplupna intäkter|7263|
1810|Andelar i börsnoterade företag|7271|
1890|Nedskrivning av kortfristiga placeringar|7271|
1910|Kassa|7281|
1920|PlusGiro|7281|
1930|Företagskonto/checkkonto/affärskonto|7281|
1940|Övriga bankkonton|7281|
1950|Bankcertifikat|7281|
2081|Aktiekapital|7301|
2085|Uppskrivningsfond|7301|
2086|Reservfond|7301|
2091|Balanserad vinst eller förlust|7302|
2097|Överkursfond|7302|
2098|Vinst eller förlust från föregående år|7302|
2099|Årets resultat|7302|
2110|Periodiseringsfonder vid 2010 års taxering|7321|
2123|Periodiseringsfond 2023|7321|
2124|Periodiseringsfond 2024|7321|
2125|Periodiseringsfond 2025|7321|
2150|Ackumulerade överavskrivningar|7322|
2190|Övriga obeskattade reserver|7323|
2210|Avsättningar för pensioner enligt tryggandelagen|7331|
2220|Avsättningar för garantier|7333|
2290|Övriga avsättningar|7333|
2330|Checkräkningskredit|7351|
2350|Skulder till kreditinstitut|7352|
2393|Lån från närstående personer, långfristig del|7354|
2399|Övriga långfristiga skulder|7354|
2410|Andra kortfristiga låneskulder till kreditinstitut|7360|
2420|Förskott från kunder|7362|
2440|Leverantörsskulder|7365|
2450|Fakturerad men ej upparbetad intäkt|7364|
2510|Skatteskulder|7368|
2512|Beräknad inkomstskatt|7368|
2514|Beräknad särskild löneskatt på pensionskostnader|7368|
2518|Betald F-skatt|7368|
2610|Utgående moms, 25 %|7369|
2611|Utgående moms på försäljning inom Sverige, 25 %|7369|
2614|Utgående moms omvänd skattskyldighet, 25 %|7369|
2615|Utgående moms import av varor, 25 %|7369|
2617|Utgående moms omvänd skattskyldighet varor och tjänster i Sverige, 25 %|7369|
2620|Utgående moms, 12 %|7369|
2621|Utgående moms på försäljning inom Sverige, 12 %|7369|
2630|Utgående moms, 6 %|7369|
2631|Utgående moms på försäljning inom Sverige, 6 %|7369|
2640|Ingående moms|7369|
2641|Debiterad ingående moms|7369|
2645|Beräknad ingående moms på förvärv från utlandet|7369|
2647|Ingående moms omvänd skattskyldighet varor och tjänster i Sverige|7369|
2650|Redovisningskonto för moms|7369|
2660|Särskilda punktskatter|7369|
2710|Personalskatt|7369|
2730|Lagstadgade sociala avgifter och särskild löneskatt|7369|
2731|Avräkning lagstadgade sociala avgifter|7369|
2732|Avräkning särskild löneskatt|7369|
2790|Övriga löneavdrag|7369|
2794|Fackföreningsavgifter|7369|
2820|Kortfristiga skulder till anställda|7369|
2890|Övriga kortfristiga skulder|7369|
2893|Skulder till närstående personer, kortfristig del|7369|
2910|Upplupna löner|7370|
2920|Upplupna semesterlöner|7370|
2940|Upplupna lagstadgade sociala och andra avgifter|7370|
2941|Beräknade upplupna lagstadgade sociala avgifter|7370|
2960|Upplupna räntekostnader|7370|
2970|Förutbetalda intäkter|7370|
2990|Övriga upplupna kostnader och förutbetalda intäkter|7370|
2991|Beräknat arvode för bokslut|7370|
2992|Beräknat arvode för revision|7370|
3001|Försäljning inom Sverige, 25 % moms|7410|MP1
3002|Försäljning inom Sverige, 12 % moms|7410|MP2
3003|Försäljning inom Sverige, 6 % moms|7410|MP3
3004|Försäljning inom Sverige, momsfri|7410|MF
3041|Försäljning tjänster inom Sverige, 25 % moms|7410|MP1
3105|Försäljning varor till land utanför EU|7410|
3108|Försäljning varor till annat EU-land, momsfri|7410|
3231|Försäljning inom byggsektorn, omvänd skattskyldighet moms|7410|
3308|Försäljning tjänster till annat EU-land|7410|
3510|Fakturerade emballage|7410|MP1
3520|Fakturerade frakter|7410|MP1
3540|Faktureringsavgifter|7410|MP1
3590|Övriga fakturerade kostnader|7410|MP1
3611|Försäljning av rörelsematerial|7410|MP1
3740|Öres- och kronutjämning|7410|
3911|Hyresintäkter|7413|
3960|Valutakursvinster på fordringar och skulder av rörelsekaraktär|7413|
3973|Vinst vid avyttring av maskiner och inventarier|7413|
3990|Övriga ersättningar och intäkter|7413|
4010|Inköp material och varor|7511|
4056|Inköp av varor från annat EU-land, 25 %|7511|
4400|Momspliktiga inköp i Sverige|7511|
4425|Inköpta tjänster i Sverige, omvänd skattskyldighet, 25 %|7511|
4535|Inköp av tjänster från annat EU-land, 25 %|7511|
4600|Legoarbeten och underentreprenader|7511|
4731|Erhållna kassarabatter|7511|
4960|Förändring av lager av handelsvaror|7411|
4970|Förändring av pågående arbeten, nedlagda kostnader|7411|
5010|Lokalhyra|7513|
5020|El för belysning|7513|
5030|Värme|7513|
5040|Vatten och avlopp|7513|
5060|Städning och renhållning|7513|
5070|Reparation och underhåll av lokaler|7513|
5090|Övriga lokalkostnader|7513|
5210|Hyra av maskiner och andra tekniska anläggningar|7513|
5220|Hyra av inventarier och verktyg|7513|
5410|Förbrukningsinventarier|7513|
5420|Programvaror|7513|
5460|Förbrukningsmaterial|7513|
5480|Arbetskläder och skyddsmaterial|7513|
5500|Reparation och underhåll|7513|
5611|Drivmedel för personbilar|7513|
5612|Försäkring och skatt för personbilar|7513|
5613|Reparation och underhåll av personbilar|7513|
5615|Leasing av personbilar|7513|
5621|Drivmedel för lastbilar|7513|
5622|Försäkring och fordonsskatt för lastbilar|7513|
5623|Reparation och underhåll av lastbilar|7513|
5710|Frakter, transporter och försäkringar vid varudistribution|7513|
5800|Resekostnader|7513|
5810|Biljetter|7513|
5831|Kost och logi i Sverige|7513|
5910|Annonsering|7513|
5930|Reklamtrycksaker och direktreklam|7513|
6071|Representation, avdragsgill|7513|
6072|Representation, ej avdragsgill|7513|
6110|Kontorsmateriel|7513|
6211|Fast telefoni|7513|
6212|Mobiltelefon|7513|
6230|Datakommunikation|7513|
6250|Postbefordran|7513|
6310|Företagsförsäkringar|7513|
6350|Förluster på kundfordringar|7513|
6351|Konstaterade förluster på kundfordringar|7513|
6352|Befarade förluster på kundfordringar|7513|
6420|Ersättningar till revisor|7513|
6530|Redovisningstjänster|7513|
6540|IT-tjänster|7513|
6550|Konsultarvoden|7513|
6570|Bankkostnader|7513|
6580|Advokat- och rättegångskostnader|7513|
6590|Övriga externa tjänster|7513|
6800|Inhyrd personal|7513|
6970|Tidningar, tidskrifter och facklitteratur|7513|
6981|Föreningsavgifter, avdragsgilla|7513|
6982|Föreningsavgifter, ej avdragsgilla|7513|
6991|Övriga externa kostnader, avdragsgilla|7513|
6992|Övriga externa kostnader, ej avdragsgilla|7513|
7010|Löner till kollektivanställda|7514|
7082|Semesterlöner till kollektivanställda|7514|
7090|Förändring av semesterlöneskuld|7514|
7210|Löner till tjänstemän|7514|
7220|Löner till företagsledare|7514|
7285|Semesterlöner till tjänstemän|7514|
7290|Förändring av semesterlöneskuld|7514|
7321|Skattefria traktamenten, Sverige|7514|
7331|Skattefria bilersättningar|7514|
7385|Kostnader för fri bil|7514|
7399|Motkonto förmånsvärden|7514|
7410|Pensionsförsäkringspremier|7514|
7510|Arbetsgivaravgifter 31,42 %|7514|
7519|Sociala avgifter för semester- och löneskulder|7514|
7530|Särskild löneskatt|7514|
7533|Särskild löneskatt för pensionskostnader|7514|
7570|Premier för arbetsmarknadsförsäkringar|7514|
7610|Utbildning|7514|
7631|Personalrepresentation, avdragsgill|7514|
7690|Övriga personalkostnader|7514|
7810|Avskrivningar på immateriella anläggningstillgångar|7515|
7820|Avskrivningar på byggnader och markanläggningar|7515|
7832|Avskrivningar på inventarier och verktyg|7515|
7834|Avskrivningar på bilar och andra transportmedel|7515|
7835|Avskrivningar på datorer|7515|
7960|Valutakursförluster på fordringar och skulder av rörelsekaraktär|7517|
7970|Förlust vid avyttring av immateriella och materiella anläggningstillgångar|7517|
8010|Utdelning på andelar i koncernföretag|7414|
8310|Ränteintäkter från omsättningstillgångar|7417|
8314|Skattefria ränteintäkter|7417|
8330|Valutakursdifferenser på kortfristiga fordringar och placeringar|7417|
8410|Räntekostnader för långfristiga skulder|7522|
8420|Räntekostnader för kortfristiga skulder|7522|
8423|Kostnadsränta för skatter och avgifter|7522|
8490|Övriga skuldrelaterade poster|7522|
8811|Avsättning till periodiseringsfond|7525|
8819|Återföring från periodiseringsfond|7420|
8850|Förändring av överavskrivningar|7526|
8910|Skatt som belastar årets resultat|7528|
8999|Årets resultat|7450|
"""

BAS_CHART: tuple[ChartAccount, ...] = tuple(
    ChartAccount(number=parts[0], name=parts[1], sru=int(parts[2]), vat_code=parts[3])
    for parts in (line.split("|") for line in _BAS.strip().splitlines())
)

# Accounts that exist but are switched off in the demo companies (posting to them is refused).
INACTIVE_ACCOUNTS: frozenset[str] = frozenset({"1910", "2110"})


def is_balance_account(number: str) -> bool:
    """Classes 1-2 are balance accounts (IB/UB); classes 3-8 are result accounts (RES)."""
    return number < "3000"


# Fortnox's predefined accounts (`/3/predefinedaccounts`, names as in NOTES.md §5.16) as the demo companies set them.
PREDEFINED_ACCOUNTS: tuple[tuple[str, str], ...] = (
    ("ACCRCOST", "2990"), ("ACCRINCOME", "1790"), ("ADMFEE", "3540"), ("AG", "1930"), ("BG", "1930"),
    ("CASH", "1910"), ("CASHBYCARD", "1930"), ("CASHDISCOUNTIN", "4731"), ("CONSTRUCTION_CRE", "2617"),
    ("CONSTRUCTION_DEB", "2647"), ("CURRENCYLOSS", "7960"), ("CURRENCYWIN", "3960"), ("CUSTCLAIM", "1510"),
    ("FREIGHT", "3520"), ("INTEREST", "8310"), ("INVAT", "2640"), ("OUTVAT_MP1", "2610"), ("OUTVAT_MP2", "2620"),
    ("OUTVAT_MP3", "2630"), ("PG", "1920"), ("PRODUCT_CRE", "2614"), ("PRODUCT_DEB", "2645"), ("PURCASE", "4010"),
    ("ROUNDOFF", "3740"), ("SALES_0_SE", "3004"), ("SALES_12_SE", "3002"), ("SALES_25_SE", "3001"),
    ("SALES_6_SE", "3003"), ("SALESCONSTR2", "3231"), ("SALESEUREV", "3108"), ("SALESEUREV2", "3308"),
    ("SALESEXPORT", "3105"), ("SERVICE_CRE", "2614"), ("SERVICE_DEB", "2645"), ("SUPDEBT", "2440"),
)
