"""Reference data the code and the import format depend on (docs/import-format.md).

Slugs are a contract: the API, the import format and saved searches use them.
"""

from django.db import migrations

ROUTES = [
    {
        "slug": "iv",
        "name": "IV infusion",
        "sort_order": 1,
        "description": "Ketamine given slowly into a vein, so the dose can be measured precisely and "
        "adjusted during the session. It reaches the bloodstream fully and is given in a clinic "
        "with monitoring.",
        "session": "Each infusion takes about 40 to 60 minutes, plus time to recover before going home.",
        "typical_protocol": "A first series of about six infusions over two to three weeks, then "
        "occasional maintenance infusions if they help.",
        "payment_reality": "Usually paid by the patient. Some clinics give a superbill so patients can "
        "ask their insurer for out-of-network reimbursement.",
        "fda_approved": False,
    },
    {
        "slug": "im",
        "name": "IM injection",
        "sort_order": 2,
        "description": "Ketamine injected into a muscle. Simpler than an infusion, with less precise "
        "control of the dose once given.",
        "session": "Effects begin within minutes and last about 30 to 45 minutes; the visit is longer.",
        "typical_protocol": "Usually four to six first sessions, then maintenance as needed.",
        "payment_reality": "Usually paid by the patient.",
        "fda_approved": False,
    },
    {
        "slug": "lozenge",
        "name": "Lozenge (oral or sublingual)",
        "sort_order": 3,
        "description": "A lozenge (troche) dissolved in the mouth. Used in clinics and in supervised "
        "at-home programmes.",
        "session": "Varies by clinic and programme.",
        "typical_protocol": "Varies by clinic; at-home programmes pair doses with remote check-ins.",
        "payment_reality": "Usually paid by the patient.",
        "fda_approved": False,
    },
    {
        "slug": "esketamine",
        "name": "Esketamine (Spravato) nasal spray",
        "sort_order": 4,
        "description": "A nasal spray approved by the FDA in 2019 for treatment-resistant depression and "
        "in 2020 for major depression with acute suicidal thoughts. Given only at certified "
        "treatment centres (REMS).",
        "session": "Patients are monitored for two hours after each dose and cannot drive that day.",
        "typical_protocol": "Twice a week for four weeks, then weekly for four weeks, then maintenance.",
        "payment_reality": "Often covered by insurance because it is FDA-approved.",
        "fda_approved": True,
    },
]

CONDITIONS = [
    ("treatment-resistant-depression", "Treatment-resistant depression", "strong",
     "Depression that has not improved after at least two antidepressant treatments. The "
     "strongest evidence for ketamine and esketamine is here."),
    ("depression", "Depression", "moderate", "Major depressive disorder."),
    ("suicidal-ideation", "Depression with suicidal thoughts", "strong",
     "Esketamine is FDA-approved for major depression with acute suicidal thoughts. If you are "
     "in crisis now, call or text 988."),
    ("anxiety", "Anxiety disorders", "emerging",
     "Generalised anxiety, social anxiety and panic disorder."),
    ("ptsd", "PTSD", "emerging", "Post-traumatic stress disorder."),
    ("ocd", "OCD", "emerging", "Obsessive-compulsive disorder."),
    ("bipolar-depression", "Bipolar depression", "research",
     "The depressive phase of bipolar disorder; still mostly studied in research."),
    ("chronic-pain", "Chronic pain", "moderate", "Long-lasting pain, including neuropathic pain."),
    ("crps", "CRPS", "moderate", "Complex regional pain syndrome."),
    ("fibromyalgia", "Fibromyalgia", "emerging", "Widespread chronic pain and fatigue."),
    ("substance-use", "Substance use disorders", "emerging",
     "Alcohol, cocaine and opioid use disorders: evidence is emerging."),
    ("alcohol-use", "Alcohol use disorder", "emerging", ""),
    ("opioid-use", "Opioid use disorder", "emerging", ""),
    ("eating-disorders", "Eating disorders", "research", ""),
    ("migraine", "Migraine", "research", ""),
]  # fmt: skip

PAYERS = [
    ("aetna", "Aetna"),
    ("anthem", "Anthem"),
    ("blue-cross-blue-shield", "Blue Cross Blue Shield"),
    ("cigna", "Cigna"),
    ("humana", "Humana"),
    ("kaiser-permanente", "Kaiser Permanente"),
    ("medicaid", "Medicaid"),
    ("medicare", "Medicare"),
    ("tricare", "TRICARE"),
    ("unitedhealthcare", "UnitedHealthcare"),
    ("va-community-care", "VA Community Care"),
]

PAYMENT_OPTIONS = [
    ("self-pay", "Self-pay", "The patient pays the clinic directly."),
    ("superbill", "Superbill", "An itemised receipt to claim out-of-network reimbursement."),
    ("financing", "Financing or payment plan", "Pay over time through the clinic or a lender."),
    ("sliding-scale", "Sliding scale", "Lower prices for people with lower incomes."),
]

PROFESSIONAL_BODIES = [
    ("askp3", "ASKP3 (American Society of Ketamine Physicians, Psychotherapists & Practitioners)",
     "https://www.askp3.org/"),
    ("apa", "American Psychiatric Association", "https://www.psychiatry.org/"),
    ("asa", "American Society of Anesthesiologists", "https://www.asahq.org/"),
    ("aana", "American Association of Nurse Anesthesiology", "https://www.aana.com/"),
]  # fmt: skip

# ISO 639-1, all 184 codes.
LANGUAGES = [
    ("aa", "Afar"),
    ("ab", "Abkhazian"),
    ("ae", "Avestan"),
    ("af", "Afrikaans"),
    ("ak", "Akan"),
    ("am", "Amharic"),
    ("an", "Aragonese"),
    ("ar", "Arabic"),
    ("as", "Assamese"),
    ("av", "Avaric"),
    ("ay", "Aymara"),
    ("az", "Azerbaijani"),
    ("ba", "Bashkir"),
    ("be", "Belarusian"),
    ("bg", "Bulgarian"),
    ("bi", "Bislama"),
    ("bm", "Bambara"),
    ("bn", "Bengali"),
    ("bo", "Tibetan"),
    ("br", "Breton"),
    ("bs", "Bosnian"),
    ("ca", "Catalan"),
    ("ce", "Chechen"),
    ("ch", "Chamorro"),
    ("co", "Corsican"),
    ("cr", "Cree"),
    ("cs", "Czech"),
    ("cu", "Church Slavic"),
    ("cv", "Chuvash"),
    ("cy", "Welsh"),
    ("da", "Danish"),
    ("de", "German"),
    ("dv", "Divehi"),
    ("dz", "Dzongkha"),
    ("ee", "Ewe"),
    ("el", "Modern Greek"),
    ("en", "English"),
    ("eo", "Esperanto"),
    ("es", "Spanish"),
    ("et", "Estonian"),
    ("eu", "Basque"),
    ("fa", "Persian"),
    ("ff", "Fulah"),
    ("fi", "Finnish"),
    ("fj", "Fijian"),
    ("fo", "Faroese"),
    ("fr", "French"),
    ("fy", "Western Frisian"),
    ("ga", "Irish"),
    ("gd", "Scottish Gaelic"),
    ("gl", "Galician"),
    ("gn", "Guarani"),
    ("gu", "Gujarati"),
    ("gv", "Manx"),
    ("ha", "Hausa"),
    ("he", "Hebrew"),
    ("hi", "Hindi"),
    ("ho", "Hiri Motu"),
    ("hr", "Croatian"),
    ("ht", "Haitian"),
    ("hu", "Hungarian"),
    ("hy", "Armenian"),
    ("hz", "Herero"),
    ("ia", "Interlingua"),
    ("id", "Indonesian"),
    ("ie", "Interlingue"),
    ("ig", "Igbo"),
    ("ii", "Sichuan Yi"),
    ("ik", "Inupiaq"),
    ("io", "Ido"),
    ("is", "Icelandic"),
    ("it", "Italian"),
    ("iu", "Inuktitut"),
    ("ja", "Japanese"),
    ("jv", "Javanese"),
    ("ka", "Georgian"),
    ("kg", "Kongo"),
    ("ki", "Kikuyu"),
    ("kj", "Kuanyama"),
    ("kk", "Kazakh"),
    ("kl", "Kalaallisut"),
    ("km", "Khmer"),
    ("kn", "Kannada"),
    ("ko", "Korean"),
    ("kr", "Kanuri"),
    ("ks", "Kashmiri"),
    ("ku", "Kurdish"),
    ("kv", "Komi"),
    ("kw", "Cornish"),
    ("ky", "Kirghiz"),
    ("la", "Latin"),
    ("lb", "Luxembourgish"),
    ("lg", "Ganda"),
    ("li", "Limburgan"),
    ("ln", "Lingala"),
    ("lo", "Lao"),
    ("lt", "Lithuanian"),
    ("lu", "Luba-Katanga"),
    ("lv", "Latvian"),
    ("mg", "Malagasy"),
    ("mh", "Marshallese"),
    ("mi", "Maori"),
    ("mk", "Macedonian"),
    ("ml", "Malayalam"),
    ("mn", "Mongolian"),
    ("mr", "Marathi"),
    ("ms", "Malay"),
    ("mt", "Maltese"),
    ("my", "Burmese"),
    ("na", "Nauru"),
    ("nb", "Norwegian Bokmål"),
    ("nd", "North Ndebele"),
    ("ne", "Nepali"),
    ("ng", "Ndonga"),
    ("nl", "Dutch"),
    ("nn", "Norwegian Nynorsk"),
    ("no", "Norwegian"),
    ("nr", "South Ndebele"),
    ("nv", "Navajo"),
    ("ny", "Chichewa"),
    ("oc", "Occitan"),
    ("oj", "Ojibwa"),
    ("om", "Oromo"),
    ("or", "Oriya"),
    ("os", "Ossetian"),
    ("pa", "Panjabi"),
    ("pi", "Pali"),
    ("pl", "Polish"),
    ("ps", "Pushto"),
    ("pt", "Portuguese"),
    ("qu", "Quechua"),
    ("rm", "Romansh"),
    ("rn", "Rundi"),
    ("ro", "Romanian"),
    ("ru", "Russian"),
    ("rw", "Kinyarwanda"),
    ("sa", "Sanskrit"),
    ("sc", "Sardinian"),
    ("sd", "Sindhi"),
    ("se", "Northern Sami"),
    ("sg", "Sango"),
    ("sh", "Serbo-Croatian"),
    ("si", "Sinhala"),
    ("sk", "Slovak"),
    ("sl", "Slovenian"),
    ("sm", "Samoan"),
    ("sn", "Shona"),
    ("so", "Somali"),
    ("sq", "Albanian"),
    ("sr", "Serbian"),
    ("ss", "Swati"),
    ("st", "Southern Sotho"),
    ("su", "Sundanese"),
    ("sv", "Swedish"),
    ("sw", "Swahili"),
    ("ta", "Tamil"),
    ("te", "Telugu"),
    ("tg", "Tajik"),
    ("th", "Thai"),
    ("ti", "Tigrinya"),
    ("tk", "Turkmen"),
    ("tl", "Tagalog"),
    ("tn", "Tswana"),
    ("to", "Tonga"),
    ("tr", "Turkish"),
    ("ts", "Tsonga"),
    ("tt", "Tatar"),
    ("tw", "Twi"),
    ("ty", "Tahitian"),
    ("ug", "Uighur"),
    ("uk", "Ukrainian"),
    ("ur", "Urdu"),
    ("uz", "Uzbek"),
    ("ve", "Venda"),
    ("vi", "Vietnamese"),
    ("vo", "Volapük"),
    ("wa", "Walloon"),
    ("wo", "Wolof"),
    ("xh", "Xhosa"),
    ("yi", "Yiddish"),
    ("yo", "Yoruba"),
    ("za", "Zhuang"),
    ("zh", "Chinese"),
    ("zu", "Zulu"),
]


def load(apps, schema_editor):
    TreatmentRoute = apps.get_model("clinics", "TreatmentRoute")
    Condition = apps.get_model("clinics", "Condition")
    Payer = apps.get_model("clinics", "Payer")
    PaymentOption = apps.get_model("clinics", "PaymentOption")
    ProfessionalBody = apps.get_model("clinics", "ProfessionalBody")
    Language = apps.get_model("clinics", "Language")

    for route in ROUTES:
        TreatmentRoute.objects.update_or_create(slug=route["slug"], defaults=route)
    for order, (slug, name, evidence, description) in enumerate(CONDITIONS, start=1):
        Condition.objects.update_or_create(
            slug=slug,
            defaults={
                "name": name,
                "evidence": evidence,
                "description": description,
                "sort_order": order,
            },
        )
    for order, (slug, name) in enumerate(PAYERS, start=1):
        Payer.objects.update_or_create(slug=slug, defaults={"name": name, "sort_order": order})
    for order, (slug, name, description) in enumerate(PAYMENT_OPTIONS, start=1):
        PaymentOption.objects.update_or_create(
            slug=slug, defaults={"name": name, "description": description, "sort_order": order}
        )
    for order, (slug, name, url) in enumerate(PROFESSIONAL_BODIES, start=1):
        ProfessionalBody.objects.update_or_create(
            slug=slug, defaults={"name": name, "url": url, "sort_order": order}
        )
    Language.objects.bulk_create(
        [Language(code=code, name=name) for code, name in LANGUAGES], ignore_conflicts=True
    )


class Migration(migrations.Migration):
    dependencies = [("clinics", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
