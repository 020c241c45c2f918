using MedicalExaminer.Contracts;

namespace MedicalExaminer.SyntheticData;

/// <summary>
/// Cause-of-death wording for synthetic MCCDs. The natural texts include the traps a screener must not
/// fall into (negated terms, exclusion phrases, words that merely contain a term), so a scrutiny case
/// built from them tests the screening as much as a referable one does.
/// </summary>
internal static class CauseOfDeathTexts
{
    /// <summary>Natural sequences, MCCD parts Ia, Ib and Ic (null where the chain is shorter).</summary>
    public static readonly (string Ia, string? Ib, string? Ic)[] NaturalChains =
    [
        ("Bronchopneumonia", "Dementia of Alzheimer type", null),
        ("Bronchopneumonia", "Parkinson's disease", null),
        ("Acute myocardial infarction", "Coronary artery atherosclerosis", null),
        ("Congestive cardiac failure", "Ischaemic heart disease", "Hypertension"),
        ("Metastatic carcinoma of the lung", null, null),
        ("Carcinoma of the pancreas", null, null),
        ("Sepsis", "Urinary tract infection", null),
        ("Ischaemic stroke", "Atrial fibrillation", null),
        ("Intracerebral haemorrhage", "Hypertension", null),
        ("Decompensated cirrhosis", "Alcoholic liver disease", null),
        ("Hepatic failure", "Alcohol-related cirrhosis", null),
        ("Chronic obstructive pulmonary disease", null, null),
        ("End stage renal failure", "Diabetic nephropathy", "Type 2 diabetes mellitus"),
        ("Metastatic adenocarcinoma", "Carcinoma of unknown primary site", null),
        ("Septic shock", "Blood poisoning from a chest infection", null),
        ("Acute kidney injury", "Fall in blood pressure due to sepsis", "Community-acquired pneumonia"),
        ("Upper gastrointestinal haemorrhage", "Duodenal ulcer", null),
        ("Aspiration pneumonia", "Motor neurone disease", null),
        ("Acute myeloid leukaemia", null, null),
    ];

    /// <summary>Natural sequences for children (DOMAIN §1: these deaths also go to the child death overview panel).</summary>
    public static readonly (string Ia, string? Ib, string? Ic)[] ChildChains =
    [
        ("Hypoxic ischaemic encephalopathy", "Extreme prematurity", null),
        ("Hypoplastic left heart syndrome", null, null),
        ("Acute lymphoblastic leukaemia", null, null),
        ("Respiratory failure", "Cystic fibrosis", null),
        ("Bronchiolitis", "Respiratory syncytial virus infection", null),
    ];

    /// <summary>Natural Part II conditions, some with negated screening terms that must not raise a reason.</summary>
    public static readonly string[] NaturalContributors =
    [
        "Type 2 diabetes mellitus", "Hypertension", "Atrial fibrillation", "Chronic kidney disease stage 3",
        "Osteoporosis without fracture", "No evidence of fracture", "CT head: no head injury", "No suspicion of neglect",
        "Frailty", "Obesity", "Peripheral vascular disease",
    ];

    /// <summary>Ia wording acceptable as a natural cause only from the age of 80 (DOMAIN §3).</summary>
    public static readonly string[] OldAge = ["Frailty of old age", "Old age"];

    /// <summary>Wording that raises each screened code, and the parts it would be written in.</summary>
    public static readonly (string Code, string Text, string[] Parts)[] Referable =
    [
        (ReasonCodes.Occupational, "Mesothelioma", ["ia", "ib"]),
        (ReasonCodes.Occupational, "Asbestosis", ["ib", "ii"]),
        (ReasonCodes.Occupational, "Silicosis", ["ib", "ii"]),
        (ReasonCodes.TraumaOrInjury, "Fractured neck of femur", ["ib", "ic"]),
        (ReasonCodes.TraumaOrInjury, "Subdural haematoma", ["ia", "ib"]),
        (ReasonCodes.TraumaOrInjury, "Traumatic brain injury", ["ia"]),
        (ReasonCodes.TraumaOrInjury, "Mechanical fall at home", ["ic", "ii"]),
        (ReasonCodes.Poisoning, "Carbon monoxide poisoning", ["ia"]),
        (ReasonCodes.Poisoning, "Acute alcohol toxicity", ["ia"]),
        (ReasonCodes.Poisoning, "Paracetamol poisoning", ["ia", "ib"]),
        (ReasonCodes.ToxicExposure, "Smoke inhalation", ["ia", "ib"]),
        (ReasonCodes.ToxicExposure, "Chemical exposure at work", ["ib"]),
        (ReasonCodes.MedicinalDrugOrPsychoactive, "Opioid toxicity", ["ia"]),
        (ReasonCodes.MedicinalDrugOrPsychoactive, "Mixed drug toxicity", ["ia"]),
        (ReasonCodes.MedicinalDrugOrPsychoactive, "Adverse drug reaction to warfarin", ["ib", "ii"]),
        (ReasonCodes.Violence, "Stab wound to the chest", ["ia", "ib"]),
        (ReasonCodes.Violence, "Assault", ["ib", "ic"]),
        (ReasonCodes.SelfHarm, "Deliberate self-harm", ["ib", "ii"]),
        (ReasonCodes.SelfHarm, "Self-inflicted wound", ["ib"]),
        (ReasonCodes.TreatmentOrProcedure, "Post-operative haemorrhage", ["ia", "ib"]),
        (ReasonCodes.TreatmentOrProcedure, "Perforation during colonoscopy", ["ib"]),
        (ReasonCodes.TreatmentOrProcedure, "Complication of surgery", ["ib", "ii"]),
        (ReasonCodes.Neglect, "Self-neglect", ["ib", "ii"]),
        (ReasonCodes.Neglect, "Pressure ulcers due to neglect", ["ib"]),
        (ReasonCodes.CauseUnknown, "Unascertained", ["ia"]),
    ];
}
