# title: Merge entities recorded as the same
# description: For every OTHER owl:sameAs KEEP between two kg entities in the merges graph, move OTHER's statements (as subject and as object, claims included) onto KEEP in every graph; OTHER's English label becomes one of KEEP's alternative names. The sameAs record itself stays.
PREFIX kgg: <https://w3id.org/conflict-kg/graph/>
PREFIX kge: <https://w3id.org/conflict-kg/id/>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>

DELETE { GRAPH ?g { ?other ?p ?o } }
INSERT { GRAPH ?g { ?keep ?moved ?o } }
WHERE {
  GRAPH kgg:merges { ?other owl:sameAs ?keep }
  FILTER(STRSTARTS(STR(?other), STR(kge:)) && STRSTARTS(STR(?keep), STR(kge:)))
  GRAPH ?g { ?other ?p ?o }
  FILTER(?g != kgg:merges)
  BIND(IF(?p = rdfs:label, skos:altLabel, ?p) AS ?moved)
} ;

DELETE { GRAPH ?g { ?s ?p ?other } }
INSERT { GRAPH ?g { ?s ?p ?keep } }
WHERE {
  GRAPH kgg:merges { ?other owl:sameAs ?keep }
  FILTER(STRSTARTS(STR(?other), STR(kge:)) && STRSTARTS(STR(?keep), STR(kge:)))
  GRAPH ?g { ?s ?p ?other }
  FILTER(?g != kgg:merges)
}
