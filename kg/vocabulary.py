"""The kg ontology's terms as an rdflib DefinedNamespace: a misspelled term fails at once.

Kept in step with ``ontology/kg.ttl`` by a test; import it only where rdflib is loaded anyway
(building, validating), since importing rdflib costs a quarter of a second.
"""

from __future__ import annotations

from rdflib.namespace import DefinedNamespace, Namespace
from rdflib.term import URIRef

from kg.namespaces import ONTOLOGY

__all__ = ["KG"]


class KG(DefinedNamespace):
    """Classes, individuals and properties of https://w3id.org/conflict-kg/ontology#."""

    _NS = Namespace(ONTOLOGY)
    _fail = True

    # Classes and individuals
    About: URIRef
    Actor: URIRef
    Affirmed: URIRef
    Ambiguous: URIRef
    ArmedGroup: URIRef
    AtPlace: URIRef
    Attribute: URIRef
    City: URIRef
    Claim: URIRef
    Contradiction: URIRef
    Country: URIRef
    CountryLevel: URIRef
    DatePrecision: URIRef
    Day: URIRef
    Denied: URIRef
    Event: URIRef
    EventRecord: URIRef
    EventRelation: URIRef
    Exactly: URIRef
    Facility: URIRef
    FactualError: URIRef
    Garbled: URIRef
    GeoPrecision: URIRef
    Government: URIRef
    GovernmentBody: URIRef
    Interview: URIRef
    IssueKind: URIRef
    LessThan: URIRef
    MediaOutlet: URIRef
    MilitaryUnit: URIRef
    MonitoringGroup: URIRef
    Month: URIRef
    MoreThan: URIRef
    NearPlace: URIRef
    NewsArticle: URIRef
    Offensive: URIRef
    OfficialStatement: URIRef
    Organisation: URIRef
    Person: URIRef
    Place: URIRef
    Polarity: URIRef
    PopulationGroup: URIRef
    Prison: URIRef
    QuantityQualifier: URIRef
    Region: URIRef
    RegionLevel: URIRef
    Relation: URIRef
    Reporter: URIRef
    SourceDocument: URIRef
    SourceIssue: URIRef
    SourceKind: URIRef
    State: URIRef
    StateRelation: URIRef
    SupersededRecord: URIRef
    Target: URIRef
    Truncated: URIRef
    Unverifiable: URIRef
    WaterBody: URIRef
    Weapon: URIRef
    Week: URIRef
    Year: URIRef

    # Properties
    acledSubEventType: URIRef
    advancedOn: URIRef
    alliedWith: URIRef
    appointed: URIRef
    asserted: URIRef
    attacked: URIRef
    basedIn: URIRef
    betweennessCentrality: URIRef
    cameoCode: URIRef
    capitalOf: URIRef
    captured: URIRef
    ceasefireWith: URIRef
    cites: URIRef
    content: URIRef
    controls: URIRef
    coreNumber: URIRef
    dataFile: URIRef
    datePrecision: URIRef
    degreeCentrality: URIRef
    distanceKm: URIRef
    effectiveDate: URIRef
    eigenvectorCentrality: URIRef
    encircled: URIRef
    endedBy: URIRef
    endedOn: URIRef
    estimatedDate: URIRef
    eventActor: URIRef
    eventDate: URIRef
    eventEnd: URIRef
    eventPlace: URIRef
    eventStart: URIRef
    eventType: URIRef
    fatalities: URIRef
    fledFrom: URIRef
    fledTo: URIRef
    geoPrecision: URIRef
    gradeReason: URIRef
    hasCapital: URIRef
    hasIssue: URIRef
    hasPart: URIRef
    headedBy: URIRef
    headOf: URIRef
    heldAtOnceWith: URIRef
    heldIn: URIRef
    issueKind: URIRef
    killed: URIRef
    launched: URIRef
    linkedTo: URIRef
    locatedIn: URIRef
    mentions: URIRef
    negotiatedWith: URIRef
    northOf: URIRef
    notBefore: URIRef
    occupied: URIRef
    openStart: URIRef
    operatesIn: URIRef
    opposes: URIRef
    pageRank: URIRef
    partOf: URIRef
    polarity: URIRef
    populationRank: URIRef
    quantityQualifier: URIRef
    recordVersion: URIRef
    region: URIRef
    releasedFrom: URIRef
    reliability: URIRef
    renounced: URIRef
    reportedCount: URIRef
    rowText: URIRef
    sanctioned: URIRef
    sha256: URIRef
    shelled: URIRef
    sheltered: URIRef
    shelteredBy: URIRef
    sourceKind: URIRef
    southOf: URIRef
    struckFromAir: URIRef
    supplied: URIRef
    text: URIRef
    trained: URIRef
    withdrewFrom: URIRef
    withdrewTo: URIRef
