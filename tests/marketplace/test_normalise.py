from ebakul.marketplace.normalise import normalise, query_terms, tokens


def test_case_accents_and_punctuation():
    assert tokens("Kué  BOLU, Pandan!") == ["kue", "bolu", "pandan"]


def test_reduplication_is_one_word():
    assert tokens("kue-kue basah") == ["kue", "basah"]
    assert tokens("Sayur-sayur segar") == ["sayur", "segar"]
    # a hyphenated pair of different words stays two words
    assert tokens("sayur-mayur") == ["sayur", "mayur"]


def test_old_spellings_meet_the_new():
    assert tokens("Djamoe") == tokens("jamu")
    assert tokens("Tjendol") == tokens("cendol")
    assert tokens("Soesoe") == tokens("susu")
    assert tokens("Achir") == tokens("akhir")
    assert tokens("Njonja") == tokens("nyonya")


def test_synonyms_are_data():
    syn = {"nasgor": "nasi goreng"}
    assert tokens("Nasgor spesial", syn) == ["nasi", "goreng", "spesial"]
    assert normalise("NASGOR", syn) == normalise("nasi goreng")


def test_short_words_are_padded_for_fulltext():
    assert normalise("Es teh") == "es__ teh"
    assert query_terms("es es teh") == ["es__", "teh"]
