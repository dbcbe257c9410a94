"""Code lists for screening, from HTCDS 2.0 and the Palermo Protocol (see
../shared/spec/identification.md)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Act(models.TextChoices):
    """Palermo Protocol Art. 3(a): the act element."""

    RECRUITMENT = "recruitment", _("Recruitment")
    TRANSPORTATION = "transportation", _("Transportation")
    TRANSFER = "transfer", _("Transfer")
    HARBOURING = "harbouring", _("Harbouring")
    RECEIPT = "receipt", _("Receipt")


class Means(models.TextChoices):
    """Palermo Protocol Art. 3(a): the means element. Not required for a child (ID-1)."""

    THREAT = "threat", _("Threat or use of force")
    COERCION = "coercion", _("Other coercion")
    ABDUCTION = "abduction", _("Abduction")
    FRAUD = "fraud", _("Fraud")
    DECEPTION = "deception", _("Deception")
    ABUSE_OF_POWER = "abuse_of_power", _("Abuse of power")
    ABUSE_OF_VULNERABILITY = "abuse_of_vulnerability", _("Abuse of a position of vulnerability")
    PAYMENTS = "payments", _("Payments or benefits to a person in control of the child")


class Movement(models.TextChoices):
    NONE = "none", _("No movement")
    INTERNAL = "internal", _("Within the country")
    CROSS_BORDER = "cross_border", _("Across a border")
    UNKNOWN = "unknown", _("Not known")


class Exploitation(models.TextChoices):
    """HTCDS 2.0 vic_TypeOfExploitation."""

    FORCED_LABOUR = "ForcedLabour", _("Forced labour")
    SEXUAL = "SexualExploitation", _("Sexual exploitation")
    CHILD_LABOUR = "ChildLabour", _("Child labour")
    FORCED_MARRIAGE = "ForcedMarriage", _("Forced or child marriage")
    SERVITUDE = "Servitude", _("Servitude, including domestic work")
    ARMED_GROUPS = "ForcedMilitaryByNonStateActors", _("Recruitment or use by armed groups")
    ORGAN_REMOVAL = "OrganRemoval", _("Organ removal")
    FORCED_BEGGING = "ForcedBegging", _("Forced begging")
    FORCED_ADOPTION = "ForcedAdoption", _("Illegal adoption or sale of children")
    SURROGACY = "Surrogacy", _("Surrogacy")
    OTHER = "Other", _("Other")


class SexualExploitationType(models.TextChoices):
    """HTCDS 2.0 vic_TypeOfSexExploitation."""

    PROSTITUTION = "Prostitution", _("Commercial sexual exploitation")
    PORNOGRAPHY = "Pornography", _("Child sexual abuse material")
    REMOTE = "RemoteInteractiveServices", _("Online sexual exploitation")
    PRIVATE = "PrivateSexualServices", _("Private sexual services")


class OtherExploitationType(models.TextChoices):
    # The guide's "petty crime / forced criminality" (ILO C182 Art. 3(c)), incl. scam compounds.
    FORCED_CRIMINALITY = (
        "ForcedCriminality",
        _("Forced criminality (petty crime, drugs, online scams)"),
    )
    OTHER = "Other", _("Other")


class Industry(models.TextChoices):
    """HTCDS 2.0 vic_ForcedLabourIndustry (ISIC Rev. 4 sections)."""

    A = "A_AgricultureForestryAndFishing", _("Agriculture, forestry and fishing")
    B = "B_MiningAndQuarrying", _("Mining and quarrying")
    C = "C_Manufacturing", _("Manufacturing (factories)")
    D = "D_ElectricityGasSteamAndAirConditioningSupply", _("Electricity, gas and steam")
    E = "E_WaterSupplySewerageWasteManagement", _("Water, sewerage and waste")
    F = "F_Construction", _("Construction")
    G = "G_WholesaleAndRetailTradeRepairOfMotorVehicles", _("Trade and vehicle repair")
    H = "H_TransportationAndStorage", _("Transport and storage")
    I = "I_AccommodationAndFoodServiceActivities", _("Hotels, restaurants and food stalls")  # noqa: E741
    J = "J_InformationAndCommunication", _("Information and communication")
    K = "K_FinancialAndInsuranceActivities", _("Finance and insurance")
    L = "L_RealEstateActivities", _("Real estate")
    M = "M_ProfessionalScientificAndTechnicalActivities", _("Professional services")
    N = "N_AdministrativeAndSupportServiceActivities", _("Cleaning and support services")
    O = "O_PublicAdministrationAndDefence", _("Public administration")  # noqa: E741
    P = "P_Education", _("Education")
    Q = "Q_HumanHealthAndSocialWorkActivities", _("Health and social work")
    R = "R_ArtsEntertainmentAndRecreation", _("Entertainment and recreation")
    S = "S_OtherServiceActivities", _("Other services")
    T = "T_ActivitiesOfHouseholdsAsEmployers", _("Households as employers (domestic work)")
    U = "U_ActivitiesOfExtraterritorialOrganizations", _("Extraterritorial organisations")


class MethodOfControl(models.TextChoices):
    """HTCDS 2.0 MethodsOfControl."""

    PHYSICAL_THREATS = "PhysicalThreats", _("Threats of physical harm")
    THREATS_LAW_ENFORCEMENT = (
        "ThreatsLawEnforcement",
        _("Threats to report to police or immigration"),
    )
    THREATENS_FAMILY = "ThreatensChildrenFamily", _("Threats against family")
    DEBT_BONDAGE = "DebtBondage", _("Debt bondage")
    FALSE_PROMISES = "FalsePromises", _("False promises")
    PHYSICAL_ABUSE = "PhysicalAbuse", _("Physical abuse")
    SEXUAL_ABUSE = "SexualAbuse", _("Sexual abuse")
    TAKES_EARNINGS = "TakesEarnings", _("Takes earnings")
    RESTRICTS_FINANCIAL_ACCESS = "RestrictsFinancialAccess", _("Restricts access to money")
    RESTRICTS_MEDICAL_CARE = "RestrictsMedicalCare", _("Restricts medical care")
    WITHHOLDS_NECESSITIES = (
        "WithholdsNecessities",
        _("Withholds food, shelter or other necessities"),
    )
    PSYCHOLOGICAL_ABUSE = "PsychologicalAbuse", _("Psychological abuse")
    PSYCHOACTIVE_SUBSTANCE = "PsychoactiveSubstance", _("Forced or induced drug or alcohol use")
    EXCESSIVE_HOURS = "ExcessiveWorkingHours", _("Excessive working hours")
    WITHHOLDS_DOCUMENTS = "WithholdsDocuments", _("Withholds documents")
    OTHER = "Other", _("Other")


class Outcome(models.TextChoices):
    PRESUMED_VICTIM = "presumed_victim", _("Presumed child victim")
    PRECARIOUS = "precarious", _("Not assessed as a victim, but in a precarious situation")
    NO_CONCERN = "no_concern", _("No protection concern found")
    INCOMPLETE = "incomplete", _("Not enough information yet")


class IndicatorGrade(models.TextChoices):
    STRONG = "S", _("Strong")
    MEDIUM = "M", _("Medium")
    WEAK = "W", _("Weak")
    UNGRADED = "", _("Not graded")


class IndicatorDimension(models.TextChoices):
    """ILO–European Commission operational indicators (2009): the six dimensions, plus the
    general child indicators of UNODC, which have no dimension."""

    GENERAL = "general", _("General signs (not graded)")
    DECEPTIVE_RECRUITMENT = "deceptive_recruitment", _("Deceptive recruitment")
    COERCIVE_RECRUITMENT = "coercive_recruitment", _("Coercive recruitment")
    RECRUITMENT_VULNERABILITY = (
        "recruitment_vulnerability",
        _("Recruitment by abuse of vulnerability"),
    )
    EXPLOITATIVE_CONDITIONS = "exploitative_conditions", _("Exploitative conditions")
    COERCION_AT_DESTINATION = "coercion_at_destination", _("Coercion at destination")
    VULNERABILITY_AT_DESTINATION = (
        "vulnerability_at_destination",
        _("Abuse of vulnerability at destination"),
    )
