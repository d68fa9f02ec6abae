"""nn.io: exact round trip, atomic writes, and every way a file can be wrong (clear errors, nothing changed)."""

import json
import os

import pytest

from nn import MLP, io


def _write(path, d):
    path.write_text(json.dumps(d))
    return path


def test_round_trip_is_exact_and_readable(tmp_path):
    model = MLP(3, [4, 2], activation="tanh", output_activation="sigmoid", seed=1)
    model.layers[0].neurons[2].b.data = 0.1 + 0.2  # 0.30000000000000004 must come back bit for bit
    path = tmp_path / "model.json"
    io.save(model, path)
    d = json.loads(path.read_text())
    assert (d["format"], d["version"], d["sizes"]) == ("autograd-mini-mlp", 1, [3, 4, 2])
    assert d["activations"] == ["tanh", "sigmoid"]
    # the file holds W^1 with rows = target neurons (documents' convention)
    assert d["layers"][0]["W"][1][2] == model.layers[0].neurons[1].w[2].data
    loaded = io.load(path)
    assert loaded.state_dict() == model.state_dict()
    assert (loaded.activation, loaded.output_activation) == ("tanh", "sigmoid")
    assert [v.data for v in loaded([0.1, 0.2, 0.3])] == [v.data for v in model([0.1, 0.2, 0.3])]
    other = MLP(3, [4, 2], activation="tanh", output_activation="sigmoid", seed=9)
    assert io.load(path, into=other) is other and other.state_dict() == model.state_dict()
    assert [p.name for p in tmp_path.iterdir()] == ["model.json"]  # no temporary file left behind


def test_a_failed_write_leaves_the_old_file(tmp_path, monkeypatch):
    path = tmp_path / "model.json"
    first = MLP(2, [2, 1], seed=1)
    io.save(first, path)
    before = path.read_bytes()

    def crash(src, dst):
        raise OSError("disk full (simulated)")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError, match="disk full"):
        io.save(MLP(2, [2, 1], seed=2), path)
    assert path.read_bytes() == before  # the old model is intact
    assert [p.name for p in tmp_path.iterdir()] == ["model.json"]  # and the temporary file is gone


def test_non_finite_weights_are_not_saved(tmp_path):
    model = MLP(2, [2, 1], seed=1)
    model.layers[1].neurons[0].w[1].data = float("inf")
    with pytest.raises(ValueError, match=r"parameter L2.N0.w1 is inf"):
        io.save(model, tmp_path / "m.json")
    assert not (tmp_path / "m.json").exists()


@pytest.fixture
def good(tmp_path):
    model = MLP(2, [3, 1], seed=1)
    path = tmp_path / "good.json"
    io.save(model, path)
    return json.loads(path.read_text())


def _broken(good, **changes):
    d = json.loads(json.dumps(good))
    for key, value in changes.items():
        if value is None:
            del d[key]
        else:
            d[key] = value
    return d


CASES = [
    (
        "version",
        lambda g: _broken(g, version=2),
        r"format version 2 is not supported; this autograd-mini reads version 1",
    ),
    ("format", lambda g: _broken(g, format="keras"), r"not an autograd-mini model file \(format 'keras'"),
    ("missing", lambda g: _broken(g, layers=None), r"the key 'layers' is missing"),
    ("sizes", lambda g: _broken(g, sizes=[2, 4, 1]), r"layer 1: W must be 4 rows of 2 numbers \(sizes \[2, 4, 1\]\)"),
    (
        "layers",
        lambda g: _broken(g, sizes=[2, 3, 1, 1], activations=None),
        r"'sizes' \[2, 3, 1, 1\] needs 3 layers of weights, the file",
    ),
    ("activation", lambda g: _broken(g, activation="gelu"), r"'activation' is 'gelu'; known activations are"),
    ("list", lambda g: [1, 2], r"the file holds a JSON list, not an autograd-mini model"),
]


@pytest.mark.parametrize("name,make,message", CASES, ids=[c[0] for c in CASES])
def test_wrong_files_raise_naming_file_and_problem(tmp_path, good, name, make, message):
    path = _write(tmp_path / f"{name}.json", make(good))
    target = MLP(2, [3, 1], seed=5)
    before = target.state_dict()
    with pytest.raises(ValueError, match=rf"nn.io.load\('.*{name}.json'\): {message}"):
        io.load(path, into=target)
    assert target.state_dict() == before


def test_bad_number_and_truncated_file(tmp_path, good):
    d = json.loads(json.dumps(good))
    d["layers"][1]["b"][0] = "0.5"
    target = MLP(2, [3, 1], seed=5)
    before = target.state_dict()
    with pytest.raises(ValueError, match=r"parameter L2.N0.b is '0.5', not a finite number"):
        io.load(_write(tmp_path / "s.json", d), into=target)
    text = json.dumps(good)
    cut = tmp_path / "cut.json"
    cut.write_text(text[: len(text) // 2])  # what a crash in a non-atomic write would leave
    with pytest.raises(ValueError, match=r"nn.io.load\('.*cut.json'\): not valid JSON \(.* line 1, column \d+\)"):
        io.load(cut, into=target)
    binary = tmp_path / "bin.json"
    binary.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(ValueError, match=r"bin.json'\): the file is not text"):
        io.load(binary, into=target)
    with pytest.raises(FileNotFoundError, match=r"nn.io.load\('.*nope.json'\): no such file"):
        io.load(tmp_path / "nope.json")
    assert target.state_dict() == before


def test_loading_into_a_model_of_another_shape_changes_nothing(tmp_path):
    path = tmp_path / "m.json"
    io.save(MLP(2, [3, 1], seed=1), path)
    for other in (MLP(2, [4, 1], seed=2), MLP(2, [3, 1], activation="tanh", seed=2)):
        before = other.state_dict()
        with pytest.raises(ValueError, match=r"the file holds a model of sizes \[2, 3, 1\] with activations "
                                             r"relu/linear, the model to load into is MLP\(2 -> "):  # fmt: skip
            io.load(path, into=other)
        assert other.state_dict() == before


def test_saved_model_file_gets_the_mode_of_a_new_file_not_mkstemps_0600(tmp_path):
    # A file written by open() gets 0o666 minus the umask; the model file should be no different (mkstemp's
    # private 0600 would hide a shared model from the group); replacing keeps the old file's mode.
    import os

    from nn import MLP, io

    reference = tmp_path / "plain.txt"
    reference.write_text("x")
    target = tmp_path / "model.json"
    io.save(MLP(2, [3, 1], seed=0), target)
    assert os.stat(target).st_mode & 0o777 == os.stat(reference).st_mode & 0o777
    os.chmod(target, 0o640)
    io.save(MLP(2, [3, 1], seed=1), target)
    assert os.stat(target).st_mode & 0o777 == 0o640


def test_a_failing_chmod_closes_the_temporary_file_and_removes_it(tmp_path, monkeypatch):
    # The descriptor of the temporary file must be closed on every path out of save(), also when giving it the
    # replaced file's mode fails (autograd_mini.files.write_bytes, which save() writes with).
    path = tmp_path / "model.json"
    io.save(MLP(2, [3, 1], seed=0), path)
    before = path.read_bytes()
    opened = []
    real_open = os.open

    def spy(*args, **kwargs):
        fd = real_open(*args, **kwargs)
        opened.append(fd)
        return fd

    def fchmod(*args, **kwargs):
        raise PermissionError("chmod refused")

    monkeypatch.setattr(os, "open", spy)
    monkeypatch.setattr(os, "fchmod", fchmod)
    with pytest.raises(PermissionError, match="chmod refused"):
        io.save(MLP(2, [3, 1], seed=1), path)
    monkeypatch.undo()
    (fd,) = opened
    with pytest.raises(OSError):
        os.fstat(fd)  # closed (EBADF), not leaked
    assert list(tmp_path.iterdir()) == [path] and path.read_bytes() == before


def test_a_number_too_large_for_a_float_is_a_named_error_not_an_overflow(tmp_path):
    # JSON integers have no size limit: 10**400 parses, but no float holds it. load() must say which file and what,
    # like any other bad value, and change nothing
    import json

    import pytest

    from nn import MLP, io

    path = tmp_path / "model.json"
    io.save(MLP(2, [1], seed=0), path)
    d = json.loads(path.read_text())
    d["layers"][0]["W"][0][0] = 10**400
    path.write_text(json.dumps(d))
    model = MLP(2, [1], seed=1)
    before = model.state_dict()
    with pytest.raises(ValueError, match=r"nn\.io\.load\(.*model\.json"):
        io.load(path, into=model)
    assert model.state_dict() == before
