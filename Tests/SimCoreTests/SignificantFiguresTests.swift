import SimCore
import Testing

@Suite("Figures for people: %g's rounding without its exponent form for large numbers")
struct SignificantFiguresTests {
  @Test("a large figure is written out in full, rounded to its significant digits as %g rounds it")
  func largeFiguresAreWrittenOut() {
    #expect(SignificantFigures.text(31_756, digits: 4) == "31760")
    #expect(SignificantFigures.text(58_724.9, digits: 4) == "58720")
    #expect(SignificantFigures.text(-31_756, digits: 4) == "-31760")
    #expect(SignificantFigures.text(220.4, digits: 2) == "220")
    #expect(SignificantFigures.text(99_999.6, digits: 4) == "100000")
    #expect(SignificantFigures.text(1.234_567e14, digits: 4) == "123500000000000")
  }

  @Test("a figure %g writes without an exponent is unchanged")
  func ordinaryFiguresAreAsPercentG() {
    #expect(SignificantFigures.text(1.3333, digits: 4) == "1.333")
    #expect(SignificantFigures.text(9_999, digits: 4) == "9999")
    #expect(SignificantFigures.text(0.000_123_4, digits: 4) == "0.0001234")
    #expect(SignificantFigures.text(0, digits: 4) == "0")
  }

  @Test("tiny, huge and non-finite figures keep %g's form")
  func exponentFormStaysWhereItReadsBetter() {
    #expect(SignificantFigures.text(1.2e-7, digits: 2) == "1.2e-07")
    #expect(SignificantFigures.text(2e15, digits: 4) == "2e+15")
    #expect(SignificantFigures.text(.infinity, digits: 4) == "inf")
    #expect(SignificantFigures.text(.nan, digits: 4) == "nan")
  }
}
