"""The kinds of service in the example council's fictional directory, with bilingual names and
descriptions, typical schedules, ages and costs. `build.py` makes the sample directory from it
and `bench/directory_search.py` makes large synthetic directories from it.

Every organisation is fictional ("Enghraifft" is Welsh for "example"); phone numbers are from
Ofcom's drama ranges; emails and web addresses are at example.org.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import List, Optional, Sequence, Tuple

# (code, English, Welsh, description)
THEME_TERMS = [
    ("children_young_people", "Children and young people", "Plant a phobl ifanc", "Services for children, young people and their families."),
    ("older_people", "Older people", "Pobl hŷn", "Services for older people."),
    ("health_physical_disability", "Health and physical disability", "Iechyd ac anabledd corfforol", "Services for people with a physical disability or long-term health condition."),
    ("learning_disability_autism", "Learning disability and autism", "Anabledd dysgu ac awtistiaeth", "Services for people with a learning disability or autism."),
    ("mental_health", "Mental health", "Iechyd meddwl", "Services for people's mental health and emotional well-being."),
    ("sensory_impairment", "Sensory impairment", "Nam ar y synhwyrau", "Services for people with sight or hearing loss."),
    ("carers", "Carers", "Gofalwyr", "Services for unpaid carers, including young carers."),
    ("vawdasv", "Violence against women, domestic abuse and sexual violence", "Trais yn erbyn menywod, cam-drin domestig a thrais rhywiol", "Services for people affected by domestic abuse or sexual violence."),
    ("secure_estate", "People in prison or leaving prison", "Pobl yn y carchar neu'n gadael y carchar", "Services for people in prison, youth detention or bail accommodation."),
]
# Code of Practice (Part 2) para 173: the three kinds of preventative service.
PREVENTION_TERMS = [
    ("universal", "Universal", "Cyffredinol", "Provided for everyone, to help people avoid developing needs for care and support (para 173a)."),
    ("targeted", "Targeted", "Wedi'i dargedu", "Targeted at people with an increased risk of developing care and support needs (para 173b)."),
    ("reducing_need", "Reducing existing need", "Lleihau angen presennol", "Aimed at minimising the effect of an existing care and support need (para 173c)."),
]


# (name, amount in pounds or None when it depends, unit)
Cost = Tuple[str, Optional[float], str]


@dataclass
class Kind:
    code: str
    term: Tuple[str, str]
    themes: List[str]
    prevention: str
    names_en: List[str]
    names_cy: List[str]
    desc_en: List[str]
    desc_cy: List[str]
    schedules: List[List[dict]]
    ages: List[Tuple[Optional[int], Optional[int]]]
    costs: List[List[Cost]]
    keywords: List[str]
    venues: List[str] = field(default_factory=lambda: ["Community Centre"])
    area_based: bool = False  # delivered by phone, online or at home rather than at a venue
    orgs: List[str] = field(default_factory=lambda: ["cvc"])


def W(byday: str, opens: str, closes: str, **kw) -> dict:
    return {"freq": "WEEKLY", "byday": byday, "opens_at": opens, "closes_at": closes, **kw}


def M(byday: str, opens: str, closes: str) -> dict:
    return {"freq": "MONTHLY", "byday": byday, "opens_at": opens, "closes_at": closes}


def D(text: str, text_cy: str) -> dict:
    return {"description": text, "description_cy": text_cy}


FREE: List[Cost] = [("Free", 0, "")]
ASSESSED: List[Cost] = [("Charged after a financial assessment: you pay only what you can afford", None, "")]

# key -> (English name, Welsh name, email local part)
ORGANISATIONS = {
    "council": ("Sir Enghraifft County Council", "Cyngor Sir Enghraifft", "gofal"),
    "health": ("Bwrdd Iechyd Enghraifft (fictional health board)", "Bwrdd Iechyd Enghraifft", "iechyd"),
    "cvc": ("Enghraifft Community Voluntary Council (fictional)", "Cyngor Gwirfoddol Cymunedol Enghraifft", "cgc"),
    "gofal": ("Gofal Gorllewin (fictional charity)", "Gofal Gorllewin", "gofal-gorllewin"),
    "carers": ("Enghraifft Carers Trust (fictional)", "Ymddiriedolaeth Gofalwyr Enghraifft", "gofalwyr"),
    "agewell": ("Heneiddio'n Dda Enghraifft (fictional)", "Heneiddio'n Dda Enghraifft", "heneiddio"),
    "meddwl": ("Meddwl Da Enghraifft (fictional mental health charity)", "Meddwl Da Enghraifft", "meddwl-da"),
    "llais": ("Llais Enghraifft Advocacy (fictional)", "Eiriolaeth Llais Enghraifft", "llais"),
    "lloches": ("Lloches Enghraifft (fictional domestic abuse charity)", "Lloches Enghraifft", "lloches"),
    "synhwyrau": ("Synhwyrau Enghraifft Sight and Hearing (fictional)", "Synhwyrau Enghraifft", "synhwyrau"),
    "teuluoedd": ("Teuluoedd Enghraifft Family Support (fictional)", "Teuluoedd Enghraifft", "teuluoedd"),
    "ieuenctid": ("Enghraifft Youth Service (fictional)", "Gwasanaeth Ieuenctid Enghraifft", "ieuenctid"),
    "trafnidiaeth": ("Enghraifft Community Transport (fictional)", "Trafnidiaeth Gymunedol Enghraifft", "trafnidiaeth"),
    "menter": ("Menter Iaith Enghraifft (fictional)", "Menter Iaith Enghraifft", "menter"),
    "gweithdy": ("Gweithdy Enghraifft (fictional social enterprise)", "Gweithdy Enghraifft", "gweithdy"),
    "cyfiawnder": ("Cyfiawnder Enghraifft Resettlement (fictional)", "Cyfiawnder Enghraifft", "cyfiawnder"),
    "awtistiaeth": ("Enghraifft Autism Network (fictional)", "Rhwydwaith Awtistiaeth Enghraifft", "awtistiaeth"),
}

KINDS: List[Kind] = [
    Kind("lunch_club", ("Lunch club", "Clwb cinio"), ["older_people"], "universal",
         ["{town} Luncheon Club", "Friendship Luncheon Club {town}", "{town} Over 60s Lunch Club"],
         ["Clwb Cinio {town_cy}", "Clwb Cinio Cyfeillgarwch {town_cy}", "Clwb Cinio Dros 60 {town_cy}"],
         ["A friendly luncheon club for older people: a hot two-course meal and good company. Transport can be arranged for people who cannot get there on their own.",
          "Older people meet for a home-cooked lunch, a cup of tea and a chat. Volunteers can collect you from home. New members are always welcome."],
         ["Clwb cinio cyfeillgar i bobl hŷn: pryd poeth dau gwrs a chwmni da. Gellir trefnu cludiant i bobl na allant gyrraedd ar eu pen eu hunain.",
          "Mae pobl hŷn yn cwrdd am ginio cartref, paned a sgwrs. Gall gwirfoddolwyr eich casglu o'ch cartref. Croeso i aelodau newydd bob amser."],
         [[W("TU,TH", "12:00", "14:00")], [W("WE", "12:00", "13:30")], [W("MO,FR", "12:00", "14:00")]],
         [(60, None), (55, None)], [[("Meal", 3.5, "per meal")], [("Meal", 4.0, "per meal"), ("Transport", 1.5, "per journey")]],
         ["lunch", "meal", "company", "social"], ["Community Centre", "Memorial Hall", "Chapel Vestry"], orgs=["agewell", "cvc"]),
    Kind("day_centre", ("Day centre", "Canolfan ddydd"), ["older_people", "health_physical_disability"], "reducing_need",
         ["{town} Day Centre", "{town} Community Day Service", "Day Opportunities {town}"],
         ["Canolfan Ddydd {town_cy}", "Gwasanaeth Dydd Cymunedol {town_cy}", "Cyfleoedd Dydd {town_cy}"],
         ["A day service for adults who need some support during the day: activities, a hot meal, personal care and company, with transport. People usually come after an assessment of their care and support needs.",
          "Day opportunities for older people and adults with a physical disability: gentle exercise, crafts, trips and a hot lunch, with trained staff on hand."],
         ["Gwasanaeth dydd i oedolion sydd angen rhywfaint o gymorth yn ystod y dydd: gweithgareddau, pryd poeth, gofal personol a chwmni, gyda chludiant. Fel arfer daw pobl ar ôl asesiad o'u hanghenion gofal a chymorth."],
         [[W("MO,TU,WE,TH,FR", "10:00", "15:30")], [W("MO,WE,FR", "09:30", "15:00")]],
         [(18, None), (50, None)], [ASSESSED, [("Day", 12.0, "per day")]],
         ["day care", "activities", "support"], ["Day Centre", "Resource Centre"], orgs=["council"]),
    Kind("respite", ("Short breaks for carers", "Seibiannau byr i ofalwyr"), ["carers", "older_people", "learning_disability_autism"], "reducing_need",
         ["Short Breaks for Carers ({town})", "{town} Carers' Respite Service", "Take a Break {town}"],
         ["Seibiannau Byr i Ofalwyr ({town_cy})", "Gwasanaeth Seibiant Gofalwyr {town_cy}", "Cymryd Seibiant {town_cy}"],
         ["Respite care so that unpaid carers can have a break: a trained sitter stays with the person you care for at home, or they can have a short stay away.",
          "Short breaks for carers: planned time off from caring, from a few hours a week to an overnight stay, arranged around you and the person you look after."],
         ["Gofal seibiant fel y gall gofalwyr di-dâl gael egwyl: mae gweithiwr hyfforddedig yn aros gyda'r person rydych chi'n gofalu amdano gartref, neu gallant gael arhosiad byr i ffwrdd.",
          "Seibiannau byr i ofalwyr: amser i ffwrdd o ofalu, o ychydig oriau'r wythnos i arhosiad dros nos, wedi'i drefnu o'ch cwmpas chi a'r person rydych chi'n gofalu amdano."],
         [[D("By arrangement, including evenings and weekends", "Trwy drefniant, gan gynnwys gyda'r nos ac ar benwythnosau")]],
         [(18, None)], [ASSESSED, FREE], ["sitting service", "break", "carer"], area_based=True, orgs=["carers", "council"]),
    Kind("memory_cafe", ("Memory cafe", "Caffi cof"), ["older_people", "carers"], "targeted",
         ["{town} Memory Cafe", "Memory Cafe {town}"], ["Caffi Cof {town_cy}", "Caffi Cof {town_cy}"],
         ["A relaxed monthly meeting for people living with dementia and the people who care for them: music, reminiscence, advice and a cuppa.",
          "A welcoming cafe for people with memory problems or dementia and their families, with someone on hand to give information about support."],
         ["Cyfarfod hamddenol bob mis i bobl sy'n byw gyda dementia a'r bobl sy'n gofalu amdanynt: cerddoriaeth, hel atgofion, cyngor a phaned.",
          "Caffi croesawgar i bobl sydd â phroblemau cof neu ddementia a'u teuluoedd, gyda rhywun wrth law i roi gwybodaeth am gymorth."],
         [[M("1WE", "14:00", "16:00")], [M("-1FR", "10:30", "12:30")], [M("2TU", "13:30", "15:30")]],
         [(None, None)], [FREE], ["dementia", "memory", "alzheimers"], ["Community Centre", "Library", "Church Hall"], orgs=["gofal", "agewell"]),
    Kind("dementia_support", ("Dementia support", "Cymorth dementia"), ["older_people", "carers"], "reducing_need",
         ["Dementia Support Workers ({town})", "Dementia Advice Service"], ["Gweithwyr Cymorth Dementia ({town_cy})", "Gwasanaeth Cyngor Dementia"],
         ["Dementia support workers visit people with a diagnosis of dementia and their families at home, to help plan ahead, find support and stay independent."],
         ["Mae gweithwyr cymorth dementia yn ymweld â phobl sydd â diagnosis o ddementia a'u teuluoedd gartref, i helpu i gynllunio, dod o hyd i gymorth ac aros yn annibynnol."],
         [[W("MO,TU,WE,TH,FR", "09:00", "17:00")]], [(None, None)], [FREE], ["dementia", "alzheimers", "memory"], area_based=True, orgs=["gofal"]),
    Kind("befriending", ("Befriending", "Cyfeillio"), ["older_people", "mental_health"], "targeted",
         ["Befriending by Phone", "{town} Befriending Scheme", "Good Neighbours {town}"],
         ["Cyfeillio dros y Ffôn", "Cynllun Cyfeillio {town_cy}", "Cymdogion Da {town_cy}"],
         ["A volunteer befriender phones or visits each week for a chat, for anyone who feels lonely or isolated.",
          "Friendly volunteers who visit older people at home for company and conversation, and help them get out and about again."],
         ["Mae cyfaill gwirfoddol yn ffonio neu'n ymweld bob wythnos am sgwrs, i unrhyw un sy'n teimlo'n unig neu'n ynysig.",
          "Gwirfoddolwyr cyfeillgar sy'n ymweld â phobl hŷn gartref am gwmni a sgwrs, ac yn eu helpu i fynd allan eto."],
         [[W("MO,TU,WE,TH,FR", "10:00", "16:00")]], [(50, None), (18, None)], [FREE], ["loneliness", "company", "isolation"], area_based=True, orgs=["agewell", "cvc"]),
    Kind("carers_group", ("Carers support group", "Grŵp cymorth gofalwyr"), ["carers"], "targeted",
         ["{town} Carers Support Cafe", "Carers' Drop-in {town}", "{town} Carers Group"],
         ["Caffi Cymorth Gofalwyr {town_cy}", "Galw Heibio Gofalwyr {town_cy}", "Grŵp Gofalwyr {town_cy}"],
         ["A drop-in cafe for unpaid carers to meet others in the same position, get information and have a break.",
          "A friendly support group for people who look after a family member or friend: speakers, peer support and a chance to relax."],
         ["Caffi galw heibio i ofalwyr di-dâl gwrdd ag eraill yn yr un sefyllfa, cael gwybodaeth a chael egwyl.",
          "Grŵp cymorth cyfeillgar i bobl sy'n gofalu am aelod o'r teulu neu ffrind: siaradwyr, cefnogaeth gan gymheiriaid a chyfle i ymlacio."],
         [[M("1TH", "10:00", "12:00")], [W("WE", "13:00", "15:00")]], [(16, None)], [FREE], ["carer", "peer support"], ["Community Centre", "Library"], orgs=["carers"]),
    Kind("carers_centre", ("Carers information and support", "Gwybodaeth a chymorth i ofalwyr"), ["carers"], "universal",
         ["Carers Information Service", "Carers Centre {town}"], ["Gwasanaeth Gwybodaeth i Ofalwyr", "Canolfan Gofalwyr {town_cy}"],
         ["Information and advice for unpaid carers of any age: carer's assessments, breaks, benefits, emergency planning and a carers' emergency card."],
         ["Gwybodaeth a chyngor i ofalwyr di-dâl o unrhyw oed: asesiadau gofalwyr, seibiannau, budd-daliadau, cynllunio at argyfwng a cherdyn argyfwng gofalwyr."],
         [[W("MO,TU,WE,TH,FR", "09:30", "16:30")]], [(None, None)], [FREE], ["carer", "carers assessment", "advice"], ["Carers Centre"], orgs=["carers"]),
    Kind("young_carers", ("Young carers", "Gofalwyr ifanc"), ["carers", "children_young_people"], "targeted",
         ["Young Carers Project", "{town} Young Carers Club"], ["Prosiect Gofalwyr Ifanc", "Clwb Gofalwyr Ifanc {town_cy}"],
         ["Support, trips and a weekly club for children and young people who help look after someone at home."],
         ["Cymorth, teithiau a chlwb wythnosol i blant a phobl ifanc sy'n helpu i ofalu am rywun gartref."],
         [[W("WE", "16:00", "18:00")], [W("TH", "16:30", "18:30")]], [(8, 18), (8, 25)], [FREE], ["young carer", "children"], ["Youth Centre"], orgs=["carers"]),
    Kind("advocacy", ("Advocacy", "Eiriolaeth"), ["older_people", "learning_disability_autism", "mental_health", "health_physical_disability"], "reducing_need",
         ["Independent Advocacy Service", "Advocacy Service West"], ["Gwasanaeth Eiriolaeth Annibynnol", "Gwasanaeth Eiriolaeth y Gorllewin"],
         ["Independent advocates help adults have their say in decisions about their care and support, and make sure their views and rights are heard."],
         ["Mae eiriolwyr annibynnol yn helpu oedolion i leisio'u barn am benderfyniadau am eu gofal a'u cymorth, a sicrhau bod eu barn a'u hawliau'n cael eu clywed."],
         [[W("MO,TU,WE,TH,FR", "09:00", "17:00")]], [(18, None)], [FREE], ["advocate", "rights", "speak up"], area_based=True, orgs=["llais"]),
    Kind("home_care", ("Care at home", "Gofal cartref"), ["older_people", "health_physical_disability"], "reducing_need",
         ["Home Care Service", "Reablement at Home"], ["Gwasanaeth Gofal Cartref", "Ailalluogi yn y Cartref"],
         ["Care and support at home: help with washing, dressing, meals and medication so that you can stay independent. Up to six weeks of reablement is free."],
         ["Gofal a chymorth yn y cartref: help gydag ymolchi, gwisgo, prydau bwyd a meddyginiaeth fel y gallwch aros yn annibynnol. Mae hyd at chwe wythnos o ailalluogi am ddim."],
         [[D("Visits every day, 7am to 10pm", "Ymweliadau bob dydd, 7yb tan 10yh")]], [(18, None)], [ASSESSED], ["domiciliary care", "reablement"], area_based=True, orgs=["council"]),
    Kind("equipment", ("Equipment loan", "Benthyg cyfarpar"), ["health_physical_disability", "older_people"], "reducing_need",
         ["Community Equipment Store", "Equipment Loan Store"], ["Storfa Cyfarpar Cymunedol", "Storfa Benthyg Cyfarpar"],
         ["Equipment on loan to help with daily living at home: walking frames, shower seats, raised toilet seats, bed rails and hoists."],
         ["Cyfarpar ar fenthyg i helpu gyda bywyd bob dydd gartref: fframiau cerdded, seddi cawod, seddi toiled uwch, rheiliau gwely a theclynnau codi."],
         [[W("MO,TU,WE,TH,FR", "09:00", "16:30")]], [(None, None)], [FREE], ["mobility aids", "walking frame", "equipment"], ["Resource Centre"], orgs=["council", "health"]),
    Kind("care_repair", ("Home adaptations", "Addasiadau i'r cartref"), ["older_people", "health_physical_disability"], "targeted",
         ["Care and Repair Handyperson Service", "Safe at Home Adaptations"], ["Gwasanaeth Tasgmon Gofal a Thrwsio", "Addasiadau Diogel yn y Cartref"],
         ["Small repairs and adaptations so you can stay safe at home: grab rails, ramps, key safes and stair rails fitted by a handyperson."],
         ["Mân atgyweiriadau ac addasiadau fel y gallwch aros yn ddiogel gartref: canllawiau, rampiau, blychau allweddi a chanllawiau grisiau wedi'u gosod gan dasgmon."],
         [[W("MO,TU,WE,TH,FR", "08:30", "16:30")]], [(60, None)], [[("Labour", 10.0, "per hour"), ("Over 70s", 0, "")]], ["grab rails", "handyperson", "adaptations"], area_based=True, orgs=["gofal"]),
    Kind("falls", ("Falls prevention", "Atal cwympiadau"), ["older_people"], "targeted",
         ["Strength and Balance Class {town}", "Steady Steps {town}"], ["Dosbarth Cryfder a Chydbwysedd {town_cy}", "Camau Cadarn {town_cy}"],
         ["A gentle strength and balance class to help prevent falls, led by a qualified instructor. Suitable if you have had a fall or worry about falling."],
         ["Dosbarth cryfder a chydbwysedd ysgafn i helpu i atal cwympiadau, dan arweiniad hyfforddwr cymwys. Addas os ydych wedi cwympo neu'n poeni am gwympo."],
         [[W("TU", "10:00", "11:00")], [W("TH", "14:00", "15:00")]], [(60, None)], [[("Class", 2.0, "per class")]], ["falls", "balance", "exercise"], ["Leisure Centre", "Community Centre"], orgs=["health"]),
    Kind("chair_exercise", ("Exercise class", "Dosbarth ymarfer corff"), ["older_people", "health_physical_disability"], "universal",
         ["Chair-Based Exercise {town}", "Keep Fit for Over 50s {town}"], ["Ymarfer yn y Gadair {town_cy}", "Cadw'n Heini dros 50 {town_cy}"],
         ["A fun, seated exercise class to music for people who find standing exercise hard. Everyone goes at their own pace."],
         ["Dosbarth ymarfer corff hwyliog ar eich eistedd i gerddoriaeth i bobl sy'n ei chael hi'n anodd ymarfer yn sefyll. Mae pawb yn mynd ar eu cyflymder eu hunain."],
         [[W("MO", "10:30", "11:30")], [W("FR", "11:00", "12:00")]], [(50, None)], [[("Class", 2.5, "per class")]], ["exercise", "keep fit", "seated"], ["Leisure Centre", "Church Hall"], orgs=["cvc"]),
    Kind("walking", ("Walking group", "Grŵp cerdded"), ["mental_health", "older_people"], "universal",
         ["{town} Walking Group for Wellbeing", "Health Walks {town}"], ["Grŵp Cerdded Lles {town_cy}", "Teithiau Cerdded Iach {town_cy}"],
         ["Short, friendly health walks led by volunteers, finishing with a cuppa. Good for your body and your mood."],
         ["Teithiau cerdded byr, cyfeillgar dan arweiniad gwirfoddolwyr, gan orffen gyda phaned. Da i'ch corff a'ch hwyliau."],
         [[W("WE", "10:00", "11:30")], [W("SA", "10:00", "11:30")]], [(18, None)], [FREE], ["walk", "wellbeing", "outdoors"], ["Library", "Community Centre"], orgs=["cvc", "meddwl"]),
    Kind("transport", ("Community transport", "Trafnidiaeth gymunedol"), ["older_people", "health_physical_disability"], "targeted",
         ["Dial-a-Ride", "Community Car Scheme"], ["Galw am Daith", "Cynllun Ceir Cymunedol"],
         ["Door-to-door transport for people who cannot use buses: shopping, appointments and social activities, in accessible minibuses and volunteer cars."],
         ["Trafnidiaeth o ddrws i ddrws i bobl na allant ddefnyddio bysiau: siopa, apwyntiadau a gweithgareddau cymdeithasol, mewn bysiau mini hygyrch a cheir gwirfoddolwyr."],
         [[W("MO,TU,WE,TH,FR", "09:00", "16:00")]], [(None, None)], [[("Journey", 2.0, "per journey")], [("Mile", 0.45, "per mile")]], ["transport", "minibus", "lifts"], area_based=True, orgs=["trafnidiaeth"]),
    Kind("meals", ("Meals at home", "Prydau yn y cartref"), ["older_people"], "reducing_need",
         ["Hot Meals Delivery", "Frozen Meals at Home"], ["Dosbarthu Prydau Poeth", "Prydau wedi Rhewi yn y Cartref"],
         ["Hot or frozen meals delivered to your door, with a friendly check that you are well. Special diets catered for."],
         ["Prydau poeth neu wedi'u rhewi wedi'u dosbarthu at eich drws, gyda golwg gyfeillgar eich bod yn iawn. Darperir ar gyfer deietau arbennig."],
         [[W("MO,TU,WE,TH,FR,SA,SU", "11:30", "13:30")]], [(None, None)], [[("Meal", 4.6, "per meal")]], ["meals on wheels", "food", "delivery"], area_based=True, orgs=["council"]),
    Kind("telecare", ("Community alarm", "Larwm cymunedol"), ["older_people", "health_physical_disability"], "targeted",
         ["Careline Community Alarm", "Telecare Service"], ["Larwm Cymunedol Careline", "Gwasanaeth Teleofal"],
         ["A pendant alarm and sensors linked to a 24-hour response centre, so help can come quickly after a fall or emergency."],
         ["Larwm crog a synwyryddion wedi'u cysylltu â chanolfan ymateb 24 awr, fel y gall help ddod yn gyflym ar ôl cwymp neu argyfwng."],
         [[D("24 hours a day, every day", "24 awr y dydd, bob dydd")]], [(None, None)], [[("Monitoring", 4.5, "per week")]], ["pendant alarm", "lifeline", "falls"], area_based=True, orgs=["council"]),
    Kind("sight_loss", ("Sight loss support", "Cymorth colli golwg"), ["sensory_impairment"], "reducing_need",
         ["Sight Loss Support Drop-in {town}", "Low Vision Service {town}"], ["Galw Heibio Colli Golwg {town_cy}", "Gwasanaeth Golwg Gwan {town_cy}"],
         ["Support for people living with sight loss: magnifiers and equipment to try, mobility training, and a chance to meet others."],
         ["Cymorth i bobl sy'n byw gyda cholli golwg: chwyddwydrau a chyfarpar i'w profi, hyfforddiant symudedd, a chyfle i gwrdd ag eraill."],
         [[M("2WE", "10:00", "12:00")], [W("TU", "10:00", "13:00")]], [(None, None)], [FREE], ["blind", "visual impairment", "magnifier"], ["Library", "Community Centre"], orgs=["synhwyrau"]),
    Kind("hearing_loss", ("Hearing loss support", "Cymorth colli clyw"), ["sensory_impairment"], "reducing_need",
         ["Hearing Aid Maintenance Drop-in {town}", "Hard of Hearing Support {town}"], ["Galw Heibio Cynnal Cymhorthion Clyw {town_cy}", "Cymorth i Bobl Drwm eu Clyw {town_cy}"],
         ["Free hearing aid batteries, re-tubing and cleaning, plus advice on equipment for people who are deaf or hard of hearing."],
         ["Batris cymhorthion clyw am ddim, ail-diwbio a glanhau, ynghyd â chyngor ar gyfarpar i bobl sy'n fyddar neu'n drwm eu clyw."],
         [[M("1MO", "10:00", "12:00")], [M("3FR", "14:00", "16:00")]], [(None, None)], [FREE], ["deaf", "hearing aid", "batteries"], ["Library", "Health Centre"], orgs=["synhwyrau"]),
    Kind("deaf_club", ("Deaf social club", "Clwb cymdeithasol byddar"), ["sensory_impairment"], "universal",
         ["{town} Deaf Club", "BSL Social Club {town}"], ["Clwb Byddar {town_cy}", "Clwb Cymdeithasol BSL {town_cy}"],
         ["A social club for Deaf people who use British Sign Language, and anyone learning BSL."],
         ["Clwb cymdeithasol i bobl Fyddar sy'n defnyddio Iaith Arwyddion Prydain, ac unrhyw un sy'n dysgu BSL."],
         [[M("1SA", "11:00", "14:00")]], [(16, None)], [FREE], ["bsl", "sign language", "deaf"], ["Community Centre"], orgs=["synhwyrau"]),
    Kind("autism_group", ("Autism support group", "Grŵp cymorth awtistiaeth"), ["learning_disability_autism"], "targeted",
         ["Autism Support Group {town}", "Autistic Adults Social Group {town}"], ["Grŵp Cymorth Awtistiaeth {town_cy}", "Grŵp Cymdeithasol Oedolion Awtistig {town_cy}"],
         ["A peer support group for autistic adults and parents of autistic children, with a quiet space and information about diagnosis and support."],
         ["Grŵp cefnogaeth gan gymheiriaid i oedolion awtistig a rhieni plant awtistig, gyda lle tawel a gwybodaeth am ddiagnosis a chymorth."],
         [[M("2TH", "18:00", "20:00")], [W("SA", "10:00", "12:00")]], [(16, None), (None, None)], [FREE], ["autism", "asd", "asperger"], ["Community Centre", "Library"], orgs=["awtistiaeth"]),
    Kind("ld_day", ("Learning disability day opportunities", "Cyfleoedd dydd anabledd dysgu"), ["learning_disability_autism"], "reducing_need",
         ["{town} Day Opportunities", "Creative Skills Workshop {town}"], ["Cyfleoedd Dydd {town_cy}", "Gweithdy Sgiliau Creadigol {town_cy}"],
         ["Day opportunities for adults with a learning disability: gardening, cooking, arts and crafts and work skills in a supportive setting."],
         ["Cyfleoedd dydd i oedolion ag anabledd dysgu: garddio, coginio, celf a chrefft a sgiliau gwaith mewn lleoliad cefnogol."],
         [[W("MO,TU,WE,TH,FR", "09:30", "15:00")]], [(18, None)], [ASSESSED], ["learning disabilities", "skills", "day service"], ["Resource Centre", "Workshop"], orgs=["gweithdy", "council"]),
    Kind("employment", ("Supported employment", "Cyflogaeth â chymorth"), ["learning_disability_autism", "mental_health"], "targeted",
         ["Supported Employment Service", "Into Work Job Coaching"], ["Gwasanaeth Cyflogaeth â Chymorth", "Hyfforddi Swyddi i Mewn i Waith"],
         ["Job coaches help disabled people and people with a learning disability or mental health condition find and keep paid work."],
         ["Mae hyfforddwyr swyddi'n helpu pobl anabl a phobl ag anabledd dysgu neu gyflwr iechyd meddwl i ddod o hyd i waith â thâl a'i gadw."],
         [[W("MO,TU,WE,TH", "09:00", "17:00")]], [(16, 64)], [FREE], ["job coach", "work", "employment"], area_based=True, orgs=["gweithdy"]),
    Kind("mh_drop_in", ("Mental health drop-in", "Galw heibio iechyd meddwl"), ["mental_health"], "targeted",
         ["{town} Wellbeing Cafe", "Mental Health Drop-in {town}"], ["Caffi Lles {town_cy}", "Galw Heibio Iechyd Meddwl {town_cy}"],
         ["A safe, friendly drop-in for anyone struggling with low mood, anxiety or stress: talk to trained volunteers or just have a cuppa."],
         ["Man galw heibio diogel a chyfeillgar i unrhyw un sy'n cael trafferth gyda hwyliau isel, gorbryder neu straen: siaradwch â gwirfoddolwyr hyfforddedig neu cael paned."],
         [[W("TU", "18:00", "20:00")], [W("FR", "11:00", "14:00")]], [(18, None)], [FREE], ["anxiety", "depression", "wellbeing"], ["Community Centre", "Library"], orgs=["meddwl"]),
    Kind("counselling", ("Counselling", "Cwnsela"), ["mental_health"], "reducing_need",
         ["Community Counselling Service", "Talking Therapies {town}"], ["Gwasanaeth Cwnsela Cymunedol", "Therapïau Siarad {town_cy}"],
         ["Short-term counselling with qualified counsellors for adults dealing with anxiety, depression, stress or difficult life events."],
         ["Cwnsela tymor byr gyda chwnselwyr cymwys i oedolion sy'n delio â gorbryder, iselder, straen neu ddigwyddiadau anodd mewn bywyd."],
         [[W("MO,TU,WE,TH,FR", "09:00", "20:00")]], [(18, None)], [[("Session", 10.0, "per session"), ("Low income", 0, "")], FREE], ["therapy", "counsellor", "talking"], ["Wellbeing Centre"], orgs=["meddwl"]),
    Kind("bereavement", ("Bereavement support", "Cymorth profedigaeth"), ["mental_health"], "targeted",
         ["Bereavement Support Group {town}", "Grief Cafe {town}"], ["Grŵp Cymorth Profedigaeth {town_cy}", "Caffi Galar {town_cy}"],
         ["Support after the death of someone close: a monthly group and one-to-one support from trained bereavement volunteers."],
         ["Cymorth ar ôl marwolaeth rhywun agos: grŵp misol a chymorth un-i-un gan wirfoddolwyr profedigaeth hyfforddedig."],
         [[M("3TU", "19:00", "21:00")]], [(18, None)], [FREE], ["grief", "loss", "bereaved"], ["Chapel Vestry", "Community Centre"], orgs=["cvc"]),
    Kind("stroke", ("Stroke support", "Cymorth strôc"), ["health_physical_disability"], "reducing_need",
         ["Stroke Survivors Group {town}", "Life After Stroke {town}"], ["Grŵp Goroeswyr Strôc {town_cy}", "Bywyd ar ôl Strôc {town_cy}"],
         ["A friendly group for stroke survivors and their families: communication practice, exercise and information."],
         ["Grŵp cyfeillgar i oroeswyr strôc a'u teuluoedd: ymarfer cyfathrebu, ymarfer corff a gwybodaeth."],
         [[M("2MO", "14:00", "16:00")]], [(18, None)], [FREE], ["stroke", "aphasia", "recovery"], ["Health Centre", "Community Centre"], orgs=["health"]),
    Kind("shopmobility", ("Shopmobility", "Siop symudedd"), ["health_physical_disability"], "universal",
         ["Shopmobility {town}"], ["Siop Symudedd {town_cy}"],
         ["Wheelchairs and mobility scooters to borrow for shopping and visiting the town centre."],
         ["Cadeiriau olwyn a sgwteri symudedd i'w benthyg ar gyfer siopa ac ymweld â chanol y dref."],
         [[W("MO,TU,WE,TH,FR,SA", "09:30", "16:00")]], [(None, None)], [[("Hire", 3.0, "per day")]], ["wheelchair", "scooter", "mobility"], ["Town Centre Car Park"], orgs=["trafnidiaeth"]),
    Kind("toddler", ("Parent and toddler group", "Cylch ti a fi"), ["children_young_people"], "universal",
         ["{town} Parent and Toddler Group", "Stay and Play {town}"], ["Cylch Ti a Fi {town_cy}", "Aros a Chwarae {town_cy}"],
         ["A weekly stay-and-play session for parents and carers with babies and toddlers: songs, stories and messy play."],
         ["Sesiwn aros a chwarae wythnosol i rieni a gofalwyr gyda babanod a phlant bach: caneuon, straeon a chwarae blêr."],
         [[W("TU", "09:30", "11:30")], [W("TH", "10:00", "11:30")]], [(0, 4)], [[("Session", 1.0, "per session")], FREE], ["toddlers", "babies", "play"], ["Family Centre", "Chapel Vestry"], orgs=["teuluoedd", "menter"]),
    Kind("youth_club", ("Youth club", "Clwb ieuenctid"), ["children_young_people"], "universal",
         ["{town} Youth Club", "{town} Youth Project"], ["Clwb Ieuenctid {town_cy}", "Prosiect Ieuenctid {town_cy}"],
         ["A youth club for young people aged 11 to 18: games, music, trips and someone to talk to."],
         ["Clwb ieuenctid i bobl ifanc 11 i 18 oed: gemau, cerddoriaeth, teithiau a rhywun i siarad â nhw."],
         [[W("MO,WE", "18:00", "20:30")], [W("TH", "18:30", "21:00")]], [(11, 18)], [FREE], ["teenagers", "youth", "activities"], ["Youth Centre"], orgs=["ieuenctid", "menter"]),
    Kind("parenting", ("Family support", "Cymorth i deuluoedd"), ["children_young_people"], "targeted",
         ["Family Support Team", "Parenting Support {town}"], ["Tîm Cymorth i Deuluoedd", "Cymorth Rhianta {town_cy}"],
         ["Practical and emotional support for parents: parenting courses, help with routines and behaviour, and someone to talk to when things are hard."],
         ["Cymorth ymarferol ac emosiynol i rieni: cyrsiau rhianta, help gyda threfn a ymddygiad, a rhywun i siarad â nhw pan fo pethau'n anodd."],
         [[W("MO,TU,WE,TH,FR", "09:00", "17:00")]], [(None, 18)], [FREE], ["parents", "parenting course", "families"], ["Family Centre"], orgs=["teuluoedd"]),
    Kind("play_scheme", ("Holiday play scheme", "Cynllun chwarae gwyliau"), ["children_young_people", "learning_disability_autism"], "targeted",
         ["Inclusive Holiday Play Scheme {town}", "Summer Play Scheme {town}"], ["Cynllun Chwarae Gwyliau Cynhwysol {town_cy}", "Cynllun Chwarae Haf {town_cy}"],
         ["An inclusive holiday play scheme for disabled children and young people, with trained play workers and one-to-one support where needed."],
         ["Cynllun chwarae gwyliau cynhwysol i blant a phobl ifanc anabl, gyda gweithwyr chwarae hyfforddedig a chymorth un-i-un lle bo angen."],
         [[W("MO,TU,WE,TH", "10:00", "15:00", description="School holidays only")]], [(5, 18)], [[("Day", 5.0, "per day")]], ["holiday club", "disabled children", "play"], ["Leisure Centre", "School"], orgs=["teuluoedd"]),
    Kind("domestic_abuse", ("Domestic abuse support", "Cymorth cam-drin domestig"), ["vawdasv"], "reducing_need",
         ["Domestic Abuse Support Service", "Domestic Abuse Outreach ({town})"], ["Gwasanaeth Cymorth Cam-drin Domestig", "Allgymorth Cam-drin Domestig ({town_cy})"],
         ["Confidential support for anyone experiencing domestic abuse: safety planning, outreach workers, help with housing and the courts. In an emergency call 999."],
         ["Cymorth cyfrinachol i unrhyw un sy'n profi cam-drin domestig: cynllunio diogelwch, gweithwyr allgymorth, help gyda thai a'r llysoedd. Mewn argyfwng ffoniwch 999."],
         [[W("MO,TU,WE,TH,FR", "09:00", "17:00")]], [(16, None)], [FREE], ["domestic violence", "abuse", "coercive control"], area_based=True, orgs=["lloches"]),
    Kind("refuge", ("Refuge", "Lloches"), ["vawdasv"], "reducing_need",
         ["Safe Accommodation (Refuge)"], ["Llety Diogel (Lloches)"],
         ["Safe, confidential refuge accommodation for women and children escaping domestic abuse. The address is never given out."],
         ["Llety lloches diogel a chyfrinachol i fenywod a phlant sy'n dianc rhag cam-drin domestig. Ni roddir y cyfeiriad byth."],
         [[D("24 hours a day, every day", "24 awr y dydd, bob dydd")]], [(16, None)], [FREE], ["refuge", "safe house", "escape"], area_based=True, orgs=["lloches"]),
    Kind("sexual_violence", ("Sexual violence support", "Cymorth trais rhywiol"), ["vawdasv"], "reducing_need",
         ["Sexual Violence Support Service"], ["Gwasanaeth Cymorth Trais Rhywiol"],
         ["Free, confidential support and counselling for people of any gender who have experienced rape, sexual assault or sexual abuse, recently or in the past."],
         ["Cymorth a chwnsela cyfrinachol am ddim i bobl o unrhyw ryw sydd wedi profi trais, ymosodiad rhywiol neu gam-drin rhywiol, yn ddiweddar neu yn y gorffennol."],
         [[W("MO,TU,WE,TH,FR", "09:00", "17:00")]], [(13, None)], [FREE], ["rape", "sexual assault", "abuse"], area_based=True, orgs=["lloches"]),
    Kind("prison_care", ("Social care in prison", "Gofal cymdeithasol yn y carchar"), ["secure_estate"], "reducing_need",
         ["Prison Social Care Team"], ["Tîm Gofal Cymdeithasol y Carchar"],
         ["Care and support assessments and personal care for people in prison with care needs, working with prison health staff."],
         ["Asesiadau gofal a chymorth a gofal personol i bobl yn y carchar ag anghenion gofal, gan weithio gyda staff iechyd y carchar."],
         [[W("MO,TU,WE,TH,FR", "08:30", "16:30")]], [(18, None)], [FREE], ["prison", "custody", "care needs"], area_based=True, orgs=["council"]),
    Kind("resettlement", ("Resettlement after prison", "Ailsefydlu ar ôl carchar"), ["secure_estate"], "targeted",
         ["Through the Gate Resettlement Service", "Leaving Prison Support"], ["Gwasanaeth Ailsefydlu Drwy'r Giât", "Cymorth wrth Adael y Carchar"],
         ["Help for people leaving prison or bail accommodation: housing, benefits, health appointments and a mentor for the first weeks after release."],
         ["Help i bobl sy'n gadael y carchar neu lety mechnïaeth: tai, budd-daliadau, apwyntiadau iechyd a mentor am yr wythnosau cyntaf ar ôl eu rhyddhau."],
         [[W("MO,TU,WE,TH,FR", "09:00", "17:00")]], [(18, None)], [FREE], ["prison release", "resettlement", "probation"], area_based=True, orgs=["cyfiawnder"]),
    Kind("youth_justice", ("Youth justice support", "Cymorth cyfiawnder ieuenctid"), ["secure_estate", "children_young_people"], "targeted",
         ["Youth Justice and Prevention Service"], ["Gwasanaeth Cyfiawnder Ieuenctid ac Atal"],
         ["Support for young people in or leaving youth detention or on bail, and early help to stop young people getting into trouble."],
         ["Cymorth i bobl ifanc mewn cadw ieuenctid neu'n gadael, neu ar fechnïaeth, a help cynnar i atal pobl ifanc rhag mynd i drafferth."],
         [[W("MO,TU,WE,TH,FR", "09:00", "17:00")]], [(10, 18)], [FREE], ["youth offending", "bail", "young people"], area_based=True, orgs=["council"]),
    Kind("benefits", ("Benefits and money advice", "Cyngor ar fudd-daliadau ac arian"), ["older_people", "carers", "health_physical_disability"], "universal",
         ["Benefits Advice Service", "Money Advice Surgery {town}"], ["Gwasanaeth Cyngor ar Fudd-daliadau", "Cymhorthfa Cyngor Ariannol {town_cy}"],
         ["Free, confidential welfare rights and money advice: benefit checks, help with forms such as Attendance Allowance, and debt advice."],
         ["Cyngor hawliau lles ac arian cyfrinachol am ddim: gwiriadau budd-daliadau, help gyda ffurflenni fel Lwfans Gweini, a chyngor ar ddyledion."],
         [[W("MO,WE,FR", "09:30", "16:00")], [M("1TU", "10:00", "13:00")]], [(None, None)], [FREE], ["welfare rights", "attendance allowance", "debt"], ["Library", "Community Centre"], orgs=["cvc", "council"]),
    Kind("digital", ("Digital inclusion", "Cynhwysiant digidol"), ["older_people"], "universal",
         ["Get Online Sessions {town}", "Digital Friends {town}"], ["Sesiynau Mynd Ar-lein {town_cy}", "Ffrindiau Digidol {town_cy}"],
         ["Friendly one-to-one help with phones, tablets and computers: video calls, online shopping and staying safe online."],
         ["Help un-i-un cyfeillgar gyda ffonau, tabledi a chyfrifiaduron: galwadau fideo, siopa ar-lein a chadw'n ddiogel ar-lein."],
         [[W("TH", "10:00", "12:00")], [W("MO", "14:00", "16:00")]], [(None, None)], [FREE], ["computer", "tablet", "internet"], ["Library"], orgs=["cvc", "menter"]),
    Kind("mens_shed", ("Men's shed", "Sied dynion"), ["older_people", "mental_health"], "universal",
         ["{town} Men's Shed"], ["Sied Dynion {town_cy}"],
         ["A community workshop where people, mostly older men, share skills, make and mend things and enjoy each other's company."],
         ["Gweithdy cymunedol lle mae pobl, dynion hŷn yn bennaf, yn rhannu sgiliau, yn gwneud ac yn trwsio pethau ac yn mwynhau cwmni ei gilydd."],
         [[W("TU,TH", "10:00", "15:00")]], [(18, None)], [[("Session", 1.0, "per session")]], ["woodwork", "workshop", "company"], ["Workshop"], orgs=["cvc"]),
    Kind("memory_choir", ("Singing for well-being", "Canu er lles"), ["older_people", "mental_health"], "universal",
         ["Sing for Joy Choir {town}", "Côr Cof {town}"], ["Côr Cof {town_cy}", "Canu er Lles {town_cy}"],
         ["A friendly singing group for people with dementia, their carers and anyone who loves to sing. No experience needed."],
         ["Grŵp canu cyfeillgar i bobl â dementia, eu gofalwyr ac unrhyw un sy'n hoffi canu. Dim angen profiad."],
         [[W("WE", "14:00", "15:30")]], [(None, None)], [[("Session", 2.0, "per session")], FREE], ["choir", "singing", "dementia"], ["Chapel Vestry", "Community Centre"], orgs=["agewell", "menter"]),
    Kind("substance", ("Drug and alcohol support", "Cymorth cyffuriau ac alcohol"), ["mental_health"], "reducing_need",
         ["Drug and Alcohol Service"], ["Gwasanaeth Cyffuriau ac Alcohol"],
         ["Confidential help for anyone worried about their own or someone else's drinking or drug use, including support for families."],
         ["Help cyfrinachol i unrhyw un sy'n poeni am eu hyfed neu eu defnydd o gyffuriau eu hunain neu rywun arall, gan gynnwys cymorth i deuluoedd."],
         [[W("MO,TU,WE,TH,FR", "09:00", "17:00")]], [(16, None)], [FREE], ["substance misuse", "drinking", "drugs"], area_based=True, orgs=["health"]),
]

KINDS_BY_CODE = {k.code: k for k in KINDS}

# Towns: (English, Welsh, outward postcode, latitude, longitude, share of Welsh speakers for the sample)
TOWNS = [
    ("Llandeilo", "Llandeilo", "SA19", 51.884, -3.991, 0.7),
    ("Ammanford", "Rhydaman", "SA18", 51.794, -3.988, 0.7),
    ("Llanelli", "Llanelli", "SA15", 51.681, -4.162, 0.35),
    ("Carmarthen", "Caerfyrddin", "SA31", 51.857, -4.311, 0.5),
    ("Newcastle Emlyn", "Castellnewydd Emlyn", "SA38", 52.038, -4.468, 0.7),
    ("Cardigan", "Aberteifi", "SA43", 52.083, -4.661, 0.6),
    ("Lampeter", "Llanbedr Pont Steffan", "SA48", 52.113, -4.080, 0.6),
    ("Llandovery", "Llanymddyfri", "SA20", 51.995, -3.796, 0.6),
    ("Kidwelly", "Cydweli", "SA17", 51.736, -4.305, 0.4),
    ("Burry Port", "Porth Tywyn", "SA16", 51.684, -4.247, 0.3),
    ("Cross Hands", "Cross Hands", "SA14", 51.800, -4.088, 0.7),
    ("Whitland", "Hendy-gwyn", "SA34", 51.818, -4.616, 0.4),
]
TOWNS_BY_NAME = {t[0]: t for t in TOWNS}
COUNTY = ("Sir Enghraifft", "Sir Enghraifft")
VENUE_CY = {"Community Centre": "Canolfan Gymunedol", "Memorial Hall": "Neuadd Goffa", "Chapel Vestry": "Festri'r Capel",
            "Day Centre": "Canolfan Ddydd", "Resource Centre": "Canolfan Adnoddau", "Library": "Llyfrgell",
            "Church Hall": "Neuadd yr Eglwys", "Carers Centre": "Canolfan Gofalwyr", "Youth Centre": "Canolfan Ieuenctid",
            "Leisure Centre": "Canolfan Hamdden", "Health Centre": "Canolfan Iechyd", "Workshop": "Gweithdy",
            "Wellbeing Centre": "Canolfan Les", "Family Centre": "Canolfan Deuluoedd", "School": "Ysgol",
            "Town Centre Car Park": "Maes Parcio Canol y Dref"}


def pick(seq: Sequence, n: int):
    return seq[n % len(seq)]
