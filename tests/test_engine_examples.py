"""Worked examples, with the arithmetic in the comments, and published numbers.

Each expected number below was worked out by hand (exact fractions where the example allows) and, where an
example was published, also checked against the published figures; torch float64 is a third opinion.
"""

import math
from fractions import Fraction

import pytest
import torch

from autograd_mini import Value


def micrograd_readme_example(a, b):
    """The example of micrograd's README (Karpathy), line by line, on Values or torch tensors."""
    c = a + b
    d = a * b + b**3
    c = c + c + 1  # micrograd writes c += c + 1
    c = c + 1 + c + (-a)
    d = d + d * 2 + (b + a).relu()
    d = d + 3 * d + (b - a).relu()
    e = c - d
    f = e**2
    g = f / 2.0
    g = g + 10.0 / f
    return g


def test_micrograd_readme_example():
    # Forward, at a = -4, b = 2:
    #   c = a + b = -2;                 d = ab + b^3 = -8 + 8 = 0
    #   c = c + c + 1 = -3;             c = c + 1 + c - a = -3 + 1 - 3 + 4 = -1
    #   d = d + 2d + relu(b + a) = 0 + 0 + relu(-2) = 0
    #   d = d + 3d + relu(b - a) = 0 + 0 + relu(6) = 6
    #   e = c - d = -7;  f = e^2 = 49;  g = f/2 + 10/f = 24.5 + 10/49 = 2421/98 = 24.70408...
    # Backward, with the relu branches as they fall here (b + a < 0: relu is 0 and flat; b - a > 0: identity):
    #   c = 3a + 4b + 3   (c0 = a + b, c1 = 2 c0 + 1, c2 = 2 c1 + 1 - a)
    #   d = 12ab + 12b^3 + b - a   (d1 = 3 d0, d2 = 4 d1 + b - a)
    #   e = c - d = 4a + 3b + 3 - 12ab - 12b^3;   check: -16 + 6 + 3 + 96 - 96 = -7
    #   g = e^2/2 + 10/e^2, so dg/de = e - 20/e^3 = -7 + 20/343 = -2381/343
    #   de/da = 4 - 12b = -20           ->  dg/da = 47620/343  = 138.83381...
    #   de/db = 3 - 12a - 36b^2 = -93   ->  dg/db = 221433/343 = 645.57725...
    dg_de = Fraction(-7) + Fraction(20, 343)
    assert dg_de == Fraction(-2381, 343)
    expected_g = Fraction(49, 2) + Fraction(10, 49)
    expected_da, expected_db = dg_de * -20, dg_de * -93
    assert expected_g == Fraction(2421, 98) and expected_da == Fraction(47620, 343)

    a, b = Value(-4.0), Value(2.0)
    g = micrograd_readme_example(a, b)
    g.backward()
    assert g.data == pytest.approx(float(expected_g), rel=1e-14)
    assert a.grad == pytest.approx(float(expected_da), rel=1e-14)
    assert b.grad == pytest.approx(float(expected_db), rel=1e-14)
    # the README prints these to four places
    assert (f"{g.data:.4f}", f"{a.grad:.4f}", f"{b.grad:.4f}") == ("24.7041", "138.8338", "645.5773")

    ta = torch.tensor(-4.0, dtype=torch.float64, requires_grad=True)
    tb = torch.tensor(2.0, dtype=torch.float64, requires_grad=True)
    tg = micrograd_readme_example(ta, tb)
    tg.backward()
    assert (g.data, a.grad, b.grad) == pytest.approx((tg.item(), ta.grad.item(), tb.grad.item()), rel=1e-14)


def test_micrograd_sanity_check_example():
    # micrograd's test_engine.py test_sanity_check, worked by hand at x = -4:
    #   z = 2x + 2 + x = -10;  q = relu(z) + z x = 0 + 40 = 40;  h = relu(z z) = 100;  y = h + q + q x = -20
    # With z < 0 (relu(z) flat) and z z > 0: y = z^2 + zx + zx^2 with z = 3x + 2, so
    #   dy/dx = 2z * 3 + (3x + z)(1 + x) + zx = -60 + (-22)(-3) + 40 = 46
    x = Value(-4.0)
    z = 2 * x + 2 + x
    q = z.relu() + z * x
    h = (z * z).relu()
    y = h + q + q * x
    y.backward()
    assert (z.data, q.data, h.data, y.data) == (-10.0, 40.0, 100.0, -20.0)
    assert x.grad == 46.0


def test_one_neuron_with_tanh_by_hand():
    # The neuron of Karpathy's "spelled-out intro to backpropagation": o = tanh(x1 w1 + x2 w2 + b), with
    # x1 = 2, x2 = 0, w1 = -3, w2 = 1, b = 6.8813735870195432 (= 6 + asinh(1), chosen so that the numbers are round)
    #   n = 2(-3) + 0(1) + 6.88137... = 0.88137... = asinh(1) = ln(1 + sqrt 2)
    #   o = tanh(asinh 1) = 1/sqrt(2) = 0.70710678...
    #   do/dn = 1 - o^2 = 1 - 1/2 = 1/2
    #   do/dx1 = w1/2 = -1.5   do/dw1 = x1/2 = 1   do/dx2 = w2/2 = 0.5   do/dw2 = x2/2 = 0   do/db = 0.5
    x1, x2 = Value(2.0, label="x1"), Value(0.0, label="x2")
    w1, w2 = Value(-3.0, label="w1"), Value(1.0, label="w2")
    b = Value(6.8813735870195432, label="b")
    n = x1 * w1 + x2 * w2 + b
    o = n.tanh()
    o.backward()
    assert n.data == pytest.approx(math.asinh(1.0), rel=1e-14)
    assert o.data == pytest.approx(1 / math.sqrt(2), rel=1e-14)
    assert n.grad == pytest.approx(0.5, rel=1e-14)
    grads = [x1.grad, w1.grad, x2.grad, w2.grad, b.grad]
    assert grads == pytest.approx([-1.5, 1.0, 0.5, 0.0, 0.5], rel=1e-14, abs=1e-300)


def test_one_sigmoid_neuron_with_half_squared_error_by_hand():
    # Document 001: a = sigma(z), z = w a_prev + b, E = 1/2 (y - a)^2 (section 2.1), dE/da = a - y,
    # sigma'(z) = sigma(z) (1 - sigma(z)) (section 2.3), delta = dE/dz = (a - y) sigma'(z), dE/dw = delta a_prev.
    # With a_prev = 1, w = ln 3, b = 0, y = 1:
    #   z = ln 3;  a = 1 / (1 + e^-ln3) = 1 / (1 + 1/3) = 3/4;  E = 1/2 (1/4)^2 = 1/32
    #   dE/da = 3/4 - 1 = -1/4;  sigma'(z) = 3/4 * 1/4 = 3/16;  delta = -1/4 * 3/16 = -3/64
    #   dE/dw = delta * a_prev = -3/64;  dE/db = delta = -3/64;  dE/da_prev = delta * w = -3/64 ln 3
    a_prev, w, b = Value(1.0), Value(math.log(3.0)), Value(0.0)
    a = (w * a_prev + b).sigmoid()
    error = 0.5 * (1.0 - a) ** 2
    error.backward()
    assert a.data == pytest.approx(0.75, rel=1e-15)
    assert error.data == pytest.approx(1 / 32, rel=1e-14)
    assert w.grad == pytest.approx(-3 / 64, rel=1e-14)
    assert b.grad == pytest.approx(-3 / 64, rel=1e-14)
    assert a_prev.grad == pytest.approx(-3 / 64 * math.log(3.0), rel=1e-14)


def test_the_design_docs_quick_start():
    # DESIGN.md: x = 2, y = tanh(3x + 1) = tanh 7, dy/dx = 3 (1 - tanh^2 7)
    x = Value(2.0, label="x")
    y = (x * 3 + 1).tanh()
    y.backward()
    assert y.data == math.tanh(7.0)
    assert x.grad == pytest.approx(3 * (1 - math.tanh(7.0) ** 2), rel=1e-12)
