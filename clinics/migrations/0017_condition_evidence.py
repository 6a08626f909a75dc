"""What the evidence is for each condition, with its sources (issue 19.7)."""

from django.db import migrations, models

COHEN_2018 = (
    "Cohen SP, Bhatia A, Buvanendran A, et al. Consensus guidelines on the use of intravenous "
    "ketamine infusions for chronic pain from the American Society of Regional Anesthesia and "
    "Pain Medicine, the American Academy of Pain Medicine, and the American Society of "
    "Anesthesiologists. Reg Anesth Pain Med. 2018;43(5):521-546."
)
GRABSKI_2022 = (
    "Grabski M, McAndrew A, Lawn W, et al. Adjunctive ketamine with relapse prevention-based "
    "psychological therapy in the treatment of alcohol use disorder. Am J Psychiatry. "
    "2022;179(2):152-162."
)
KRUPITSKY_2002 = (
    "Krupitsky E, Burakov A, Romanova T, et al. Ketamine psychotherapy for heroin addiction: "
    "immediate effects and two-year follow-up. J Subst Abuse Treat. 2002;23(4):273-283."
)

# slug: (summary, [citations])
EVIDENCE = {
    "treatment-resistant-depression": (
        "This is where the evidence is strongest. Randomised trials found that esketamine "
        "nasal spray added to an antidepressant improved depression more than placebo spray "
        "for people whom two or more antidepressants had not helped, and that continuing it "
        "lowered the risk of relapse; the FDA approved it for treatment-resistant depression "
        "in 2019. In a large trial, IV ketamine did at least as well as electroconvulsive "
        "therapy (ECT) for people without psychosis. Effects often start within hours to days "
        "but fade without further treatment, and many people do not respond.",
        [
            "Popova V, Daly EJ, Trivedi M, et al. Efficacy and safety of flexibly dosed "
            "esketamine nasal spray combined with a newly initiated oral antidepressant in "
            "treatment-resistant depression: a randomized double-blind active-controlled "
            "study. Am J Psychiatry. 2019;176(6):428-438.",
            "Daly EJ, Trivedi MH, Janik A, et al. Efficacy of esketamine nasal spray plus "
            "oral antidepressant treatment for relapse prevention in patients with "
            "treatment-resistant depression: a randomized clinical trial. JAMA Psychiatry. "
            "2019;76(9):893-903.",
            "Anand A, Mathew SJ, Sanacora G, et al. Ketamine versus ECT for nonpsychotic "
            "treatment-resistant major depression. N Engl J Med. 2023;388(25):2315-2325.",
        ],
    ),
    "depression": (
        "Small randomised trials since 2000 found that a single IV dose of ketamine eased "
        "depression within hours to days, in many people for about a week. Most of the research is in depression "
        "that other treatments did not help; for a first episode, standard treatments come "
        "first. Esketamine is FDA-approved only for treatment-resistant depression and for "
        "depression with suicidal thoughts.",
        [
            "Berman RM, Cappiello A, Anand A, et al. Antidepressant effects of ketamine in "
            "depressed patients. Biol Psychiatry. 2000;47(4):351-354.",
            "Zarate CA Jr, Singh JB, Carlson PJ, et al. A randomized trial of an "
            "N-methyl-D-aspartate antagonist in treatment-resistant major depression. Arch Gen "
            "Psychiatry. 2006;63(8):856-864.",
        ],
    ),
    "suicidal-ideation": (
        "In 2020 the FDA approved esketamine for adults with major depression and acute "
        "suicidal thoughts or behaviour, alongside standard care, after trials found faster "
        "improvement of depression than placebo; those trials did not show a clear effect on "
        "suicidal thinking itself over placebo. An analysis of individual patients from IV "
        "ketamine trials found suicidal thoughts fell within a day. It does not replace "
        "emergency care: if you are in danger, call or text 988 or call 911.",
        [
            "Fu DJ, Ionescu DF, Li X, et al. Esketamine nasal spray for rapid reduction of "
            "major depressive disorder symptoms in patients who have active suicidal ideation "
            "with intent: double-blind, randomized study (ASPIRE I). J Clin Psychiatry. "
            "2020;81(3):19m13191.",
            "Wilkinson ST, Ballard ED, Bloch MH, et al. The effect of a single dose of "
            "intravenous ketamine on suicidal ideation: a systematic review and individual "
            "participant data meta-analysis. Am J Psychiatry. 2018;175(2):150-158.",
        ],
    ),
    "anxiety": (
        "Small studies, most without a placebo group, found that low doses of ketamine "
        "eased generalised and social anxiety that other treatments had not helped, and that "
        "weekly doses kept some people better for months. Larger controlled trials are still "
        "needed; no ketamine product is approved for anxiety.",
        [
            "Glue P, Medlicott NJ, Harland S, et al. Ketamine's dose-related effects on "
            "anxiety symptoms in patients with treatment refractory anxiety disorders. "
            "J Psychopharmacol. 2017;31(10):1302-1305.",
            "Glue P, Neehoff SM, Medlicott NJ, et al. Safety and efficacy of maintenance "
            "ketamine treatment in patients with treatment-refractory generalised anxiety and "
            "social anxiety disorders. J Psychopharmacol. 2018;32(6):663-667.",
        ],
    ),
    "ptsd": (
        "Two randomised trials from one research group found that IV ketamine reduced the "
        "symptoms of chronic post-traumatic stress disorder (PTSD) more than an active "
        "placebo (midazolam), after one infusion and after six over two weeks. The trials were "
        "small and results elsewhere have been mixed; trauma-focused psychotherapy remains "
        "the first treatment, and no ketamine product is approved for PTSD.",
        [
            "Feder A, Parides MK, Murrough JW, et al. Efficacy of intravenous ketamine for "
            "treatment of chronic posttraumatic stress disorder: a randomized clinical trial. "
            "JAMA Psychiatry. 2014;71(6):681-688.",
            "Feder A, Costi S, Rutter SB, et al. A randomized controlled trial of repeated "
            "ketamine administration for chronic posttraumatic stress disorder. Am J "
            "Psychiatry. 2021;178(2):193-202.",
        ],
    ),
    "ocd": (
        "A small crossover trial found that one IV infusion of ketamine quickly reduced "
        "obsessive-compulsive disorder (OCD) symptoms in some people, for up to a week. The "
        "evidence is early and small; exposure and response prevention therapy and standard "
        "medicines remain the first treatments, and no ketamine product is approved for OCD.",
        [
            "Rodriguez CI, Kegeles LS, Levinson A, et al. Randomized controlled crossover trial "
            "of ketamine in obsessive-compulsive disorder: proof-of-concept. "
            "Neuropsychopharmacology. 2013;38(12):2475-2483.",
        ],
    ),
    "bipolar-depression": (
        "Two small placebo-controlled trials found that one IV infusion of ketamine, added "
        "to a mood stabiliser, eased bipolar depression within a day, for a few days. "
        "Research continues, including on the risk of triggering mania; treatment is mostly "
        "given in studies, and no ketamine product is approved for it.",
        [
            "Diazgranados N, Ibrahim L, Brutsche NE, et al. A randomized add-on trial of an "
            "N-methyl-D-aspartate antagonist in treatment-resistant bipolar depression. Arch "
            "Gen Psychiatry. 2010;67(8):793-802.",
            "Zarate CA Jr, Brutsche NE, Ibrahim L, et al. Replication of ketamine's "
            "antidepressant efficacy in bipolar depression: a randomized controlled add-on "
            "trial. Biol Psychiatry. 2012;71(11):939-946.",
        ],
    ),
    "chronic-pain": (
        "Guidelines from three US pain and anaesthesia societies (2018) found moderate "
        "evidence that IV ketamine infusions give short-term relief in complex regional pain "
        "syndrome, and weak or mixed evidence for other chronic pain, such as spinal cord "
        "injury pain; relief usually wears off over weeks. Ketamine for pain is off-label.",
        [COHEN_2018],
    ),
    "crps": (
        "Complex regional pain syndrome (CRPS) has the best evidence among chronic pain "
        "conditions: randomised trials found that IV ketamine infusions over several days "
        "reduced pain more than placebo, with relief fading over the following weeks to "
        "months. The 2018 consensus guidelines call the evidence moderate.",
        [
            "Sigtermans MJ, van Hilten JJ, Bauer MCR, et al. Ketamine produces effective and "
            "long-term pain relief in patients with Complex Regional Pain Syndrome Type 1. "
            "Pain. 2009;145(3):304-311.",
            "Schwartzman RJ, Alexander GM, Grothusen JR, et al. Outpatient intravenous "
            "ketamine for the treatment of complex regional pain syndrome: a double-blind "
            "placebo controlled study. Pain. 2009;147(1-3):107-115.",
            COHEN_2018,
        ],
    ),
    "fibromyalgia": (
        "Evidence is weak. Some infusion studies found short relief during or just after "
        "treatment, but a randomised trial found no lasting benefit from a short infusion, "
        "and the 2018 consensus guidelines did not find good evidence for fibromyalgia.",
        [
            "Noppers I, Niesters M, Swartjes M, et al. Absence of long-term analgesic effect "
            "from a short-term S-ketamine infusion on fibromyalgia pain: a randomized, "
            "prospective, double blind, active placebo-controlled trial. Eur J Pain. "
            "2011;15(9):942-949.",
            COHEN_2018,
        ],
    ),
    "substance-use": (
        "Early trials combined ketamine with psychological therapy: in alcohol and cocaine "
        "use disorders, more people stayed abstinent for longer than with placebo or an "
        "active control, and an older trial in heroin addiction found similar signs. The "
        "trials are small, and ketamine itself can be misused, so treatment belongs in a "
        "supervised programme.",
        [
            "Dakwar E, Nunes EV, Hart CL, et al. A single ketamine infusion combined with "
            "mindfulness-based behavioral modification to treat cocaine dependence: a "
            "randomized clinical trial. Am J Psychiatry. 2019;176(11):923-930.",
            GRABSKI_2022,
            KRUPITSKY_2002,
        ],
    ),
    "alcohol-use": (
        "Two small randomised trials found that ketamine given with psychological therapy "
        "helped people with alcohol use disorder stay abstinent for longer than placebo or an "
        "active control. Larger trials are under way; no ketamine product is approved for it.",
        [
            "Dakwar E, Levin F, Hart CL, et al. A single ketamine infusion combined with "
            "motivational enhancement therapy for alcohol use disorder: a randomized "
            "midazolam-controlled pilot trial. Am J Psychiatry. 2020;177(2):125-133.",
            GRABSKI_2022,
        ],
    ),
    "opioid-use": (
        "Evidence is early: an older randomised trial of ketamine-assisted psychotherapy in "
        "heroin addiction found more people abstinent over two years with a full dose than "
        "with a very low one. "
        "Medicines for opioid use disorder (buprenorphine, methadone, naltrexone) have far "
        "stronger evidence and come first.",
        [KRUPITSKY_2002],
    ),
    "eating-disorders": (
        "Ketamine for eating disorders has been described only in small uncontrolled case "
        "series; there are no randomised trials to go on. Treatment would be research or "
        "off-label care; ask a provider which it is.",
        [
            "Mills IH, Park GR, Manara AR, Merriman RJ. Treatment of compulsive behaviour in "
            "eating disorders with intermittent ketamine infusions. QJM. 1998;91(7):493-503.",
        ],
    ),
    "migraine": (
        "A small randomised trial found that intranasal ketamine made the aura of migraine "
        "with prolonged aura less severe, though not shorter; it did not test treating the "
        "headache itself. "
        "Established migraine treatments come first; ketamine for migraine is research or "
        "off-label care.",
        [
            "Afridi SK, Giffin NJ, Kaube H, Goadsby PJ. A randomized controlled trial of "
            "intranasal ketamine in migraine with prolonged aura. Neurology. "
            "2013;80(7):642-647.",
        ],
    ),
}


def add_evidence(apps, schema_editor):
    Condition = apps.get_model("clinics", "Condition")
    for slug, (summary, sources) in EVIDENCE.items():
        Condition.objects.filter(slug=slug, evidence_summary="").update(
            evidence_summary=summary, evidence_sources="\n".join(sources)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("clinics", "0016_single_line_text"),
    ]

    operations = [
        migrations.AddField(
            model_name="condition",
            name="evidence_sources",
            field=models.TextField(
                blank=True,
                help_text="The studies and guidelines the summary rests on, one citation per "
                "line (authors, title, journal, year). Each is linked to a PubMed search for it.",
            ),
        ),
        migrations.AddField(
            model_name="condition",
            name="evidence_summary",
            field=models.TextField(
                blank=True,
                help_text="What the research shows, in plain words, for the condition's guide "
                "page.",
            ),
        ),
        migrations.RunPython(add_evidence, migrations.RunPython.noop),
    ]
