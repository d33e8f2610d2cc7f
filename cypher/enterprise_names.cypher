// purpose: Enterprise names for a list of USCCs
// mode: read
// param usccs: list = ["91360100MA35F0XX1X"] -- list of USCCs
// returns: uscc, name
UNWIND $usccs AS code
MATCH (e:Enterprise {uscc: code})
RETURN e.uscc AS uscc, e.name AS name
