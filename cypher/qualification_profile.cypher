// purpose: 资质证书：持有企业、发证机关 / Qualification certificate: holder and issuing authority
// mode: read
// param cert_no: string = D136012345 -- 资质证书编号 / certificate number
// returns: qualification, holders, authority
MATCH (q:Qualification {cert_no: $cert_no})
RETURN q{.*} AS qualification,
  [(q)<-[:HOLDS]-(e:Enterprise) | e{.uscc, .name, .type}] AS holders,
  head([(q)-[:ISSUED_BY]->(a:Authority) | a{.name}]) AS authority
