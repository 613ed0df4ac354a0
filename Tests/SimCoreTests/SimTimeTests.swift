import Testing
@testable import SimCore

@Suite("Typed simulation time")
struct SimTimeTests {
  @Test("durations read with units, including Go-style compounds", arguments: [
    ("250us", Int64(250_000)), ("250µs", 250_000), ("5ms", 5_000_000), ("1.5s", 1_500_000_000),
    ("2m", 120_000_000_000), ("1h", 3_600_000_000_000), ("1m30s", 90_000_000_000), ("0s", 0),
    ("7ns", 7), ("0.5min", 30_000_000_000), (" 4.999s ", 4_999_000_000),
  ])
  func durationParsing(text: String, nanoseconds: Int64) throws {
    #expect(try DurationFormat.parseDuration(text).nanoseconds == nanoseconds)
  }

  @Test("a duration without a unit, negative, non-finite or absurdly long is refused with what was expected", arguments: [
    ("5", "expected a duration with a unit (ns, us, ms, s, m, h), e.g. 250ms or 1m30s, found \"5\""),
    ("", "expected a duration with a unit (ns, us, ms, s, m, h), e.g. 250ms or 1m30s, found \"\""),
    ("-1s", "expected a non-negative duration, found \"-1s\""),
    ("nans", "expected a duration with a unit (ns, us, ms, s, m, h), e.g. 250ms or 1m30s, found \"nans\""),
    ("5 s", "expected a duration with a unit (ns, us, ms, s, m, h), e.g. 250ms or 1m30s, found \"5 s\""),
    ("1e30h", "expected a duration with a unit (ns, us, ms, s, m, h), e.g. 250ms or 1m30s, found \"1e30h\""),
    ("999999999999h", "expected a duration shorter than 292 years, found \"999999999999h\""),
  ])
  func badDurations(text: String, message: String) {
    #expect(throws: DurationFormat.ParseError.self) { try DurationFormat.parseDuration(text) }
    do { _ = try DurationFormat.parseDuration(text) } catch { #expect(error.description == message) }
  }

  @Test("rates read per second, minute and hour")
  func rateParsing() throws {
    #expect(try DurationFormat.parseRate("50/s").perSecond == 50)
    #expect(try DurationFormat.parseRate("3/min").perSecond == 0.05)
    #expect(try DurationFormat.parseRate("7200/h").perSecond == 2)
    #expect(try DurationFormat.parseRate("2/ms").perSecond == 2000)
    #expect(try DurationFormat.parseRate("4/s").meanInterval == .milliseconds(250))
    do { _ = try DurationFormat.parseRate("0/s") } catch { #expect(error.description == "expected a positive rate, found \"0/s\"") }
    do { _ = try DurationFormat.parseRate("50") } catch {
      #expect(error.description == "expected a rate with a unit (/s, /min, /h), e.g. 50/s, found \"50\"")
    }
  }

  @Test("durations print in the longest exact unit and read back to the same value", arguments: [
    Int64(0), 7, 250_000, 1_500_000_000, 90_000_000_000, 7_200_000_000_000, 5_000_000_001,
  ])
  func formatRoundTrip(nanoseconds: Int64) throws {
    let d = SimDuration(nanoseconds: nanoseconds)
    #expect(try DurationFormat.parseDuration(d.description) == d)
  }

  @Test("instants and intervals combine only in meaningful ways, saturating instead of overflowing")
  func arithmetic() {
    let t = SimTime.zero + .seconds(5)
    #expect(t.nanoseconds == 5_000_000_000)
    #expect((t - SimTime.zero) == .milliseconds(5_000))
    #expect(t - .seconds(2) == SimTime(nanoseconds: 3_000_000_000))
    #expect(SimTime.never + .seconds(1) == .never)
    #expect(SimDuration.seconds(1e300) == .infinity)
    #expect(SimDuration.seconds(Double.nan) == .zero)
    #expect(SimDuration.seconds(0.0000000015) == .nanoseconds(2))
    #expect(SimDuration.hours(Int64.max / 2) == .infinity)
    #expect(SimDuration.seconds(5) * 0.5 == .milliseconds(2_500))
  }
}
