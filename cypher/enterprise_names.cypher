// purpose: 按信用代码查企业名称 / Enterprise names for a list of USCCs
// mode: read
// param usccs: list = ["91360100MA35F0XX1X"] -- 统一社会信用代码列表 / USCCs
// returns: uscc, name
UNWIND $usccs AS code
MATCH (e:Enterprise {uscc: code})
RETURN e.uscc AS uscc, e.name AS name
