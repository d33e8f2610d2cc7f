// purpose: Names, types and regions of a set of firms
// mode: read
// param usccs: list -- USCCs
// returns: uscc, name, type, region_code
UNWIND $usccs AS u
MATCH (e:Enterprise {uscc: u})
RETURN e.uscc AS uscc, e.name AS name, e.type AS type, e.region_code AS region_code
