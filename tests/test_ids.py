from chengxin.loaders.ids import Pseudonyms, looks_like_id_number, mask_id, uscc_problem


def test_uscc_check_character_standard_example():
    assert uscc_problem("91350100M000100Y43") is None
    assert "check character should be 3" in uscc_problem("91350100M000100Y44")
    assert "18 characters" in uscc_problem("9135010")
    assert "never used" in uscc_problem("91350100M000100YO3")


def test_id_numbers_are_recognised_masked_and_pseudonymised():
    assert looks_like_id_number("11010519491231002X")
    assert looks_like_id_number("110105194912310021")  # a wrong check digit is still protected
    assert not looks_like_id_number("110105194913310021")  # month 13: not an ID number
    assert not looks_like_id_number("RY0000000000000001")
    assert mask_id("11010519491231002X") == "1101************2X"
    p = Pseudonyms(b"k1")
    key = p.person_key("11010519491231002X")
    assert key.startswith("P") and "1949" not in key and len(key) == 17
    assert key == p.person_key("11010519491231002x")  # stable, case-insensitive
    assert Pseudonyms(b"k2").person_key("11010519491231002X") != key  # keyed
    assert p.person_key("RY000000001") == "RY000000001"
