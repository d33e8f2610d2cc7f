// purpose: 一组企业的名称、类型与地区 / Names, types and regions of a set of firms
// mode: read
// param usccs: list -- 统一社会信用代码 / USCCs
// returns: uscc, name, type, region_code
UNWIND $usccs AS u
MATCH (e:Enterprise {uscc: u})
RETURN e.uscc AS uscc, e.name AS name, e.type AS type, e.region_code AS region_code
