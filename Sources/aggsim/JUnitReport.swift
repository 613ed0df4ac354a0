import Scenario

/// `check --junit FILE`: the expectations as JUnit XML, which GitHub, GitLab and Jenkins show as
/// tests: one `<testsuite>` per scenario, one `<testcase>` per expectation (named by its scope,
/// metric, figure and bound), a `<failure>` for a failed one and for an inconclusive one unless
/// inconclusive outcomes pass.
struct JUnitReport {
  /// Whether `--inconclusive pass` was given.
  let inconclusivePasses: Bool
  /// Per scenario in order of appearance: its test cases.
  private var suites: [(name: String, cases: [String], failures: Int)] = []

  init(inconclusivePasses: Bool) { self.inconclusivePasses = inconclusivePasses }

  /// Adds the test case of one `check` table row (scenario, scope, metric, over, bound, value,
  /// CI, n, result) written at `location`.
  mutating func add(row: [String], outcome: ExpectationVerdict.Outcome, location: String) {
    let scenario = row[0]
    if suites.last?.name != scenario { suites.append((scenario, [], 0)) }
    let name = "\(row[1]) \(row[2]) \(row[3]) \(row[4])"
    let detail = "value \(row[5]), 95% CI \(row[6]), n \(row[7]): \(row[8]) (\(location))"
    var testCase = "    <testcase classname=\"aggsim.\(Self.escape(scenario))\" name=\"\(Self.escape(name))\">\n"
    let fails = outcome == .fail || (outcome == .inconclusive && !inconclusivePasses)
    if fails {
      testCase += "      <failure message=\"\(Self.escape(row[8]))\">\(Self.escape(detail))</failure>\n"
      suites[suites.count - 1].failures += 1
    } else {
      testCase += "      <system-out>\(Self.escape(detail))</system-out>\n"
    }
    suites[suites.count - 1].cases.append(testCase + "    </testcase>\n")
  }

  /// The whole document.
  func xml() -> String {
    let tests = suites.reduce(0) { $0 + $1.cases.count }, failures = suites.reduce(0) { $0 + $1.failures }
    var text = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      + "<testsuites name=\"aggsim check\" tests=\"\(tests)\" failures=\"\(failures)\">\n"
    for suite in suites {
      text += "  <testsuite name=\"\(Self.escape(suite.name))\" tests=\"\(suite.cases.count)\" failures=\"\(suite.failures)\">\n"
      text += suite.cases.joined()
      text += "  </testsuite>\n"
    }
    return text + "</testsuites>\n"
  }

  /// XML text with `& < > " '` escaped.
  static func escape(_ text: String) -> String {
    var out = ""
    for character in text {
      switch character {
      case "&": out += "&amp;"
      case "<": out += "&lt;"
      case ">": out += "&gt;"
      case "\"": out += "&quot;"
      case "'": out += "&apos;"
      default: out.append(character)
      }
    }
    return out
  }
}
