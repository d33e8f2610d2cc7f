// purpose: Qualification certificate: holder and issuing authority
// mode: read
// param cert_no: string = D136012345 -- certificate number
// returns: qualification, holders, authority
MATCH (q:Qualification {cert_no: $cert_no})
RETURN q{.*} AS qualification,
  [(q)<-[:HOLDS]-(e:Enterprise) | e{.uscc, .name, .type}] AS holders,
  head([(q)-[:ISSUED_BY]->(a:Authority) | a{.name}]) AS authority
