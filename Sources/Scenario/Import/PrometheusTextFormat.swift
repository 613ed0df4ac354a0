/// Reads the Prometheus text exposition format (version 0.0.4, what `/metrics` of kube-apiserver
/// and of an extension server built on k8s.io/apiserver serve; OpenMetrics' `# EOF` is accepted):
/// `# HELP`/`# TYPE`/comment lines, blank lines, and samples
/// `name{label="value",…} value [timestamp]`, label values escaped with `\\`, `\"` and `\n`,
/// values as Go writes them (`1.5e-05`, `+Inf`, `-Inf`, `NaN`).
///
/// Every problem is a `ScenarioError` at its line and column (columns in Unicode scalars),
/// naming the series; reading stops after `ScenarioErrors.limit` of them.
public enum PrometheusTextFormat {
  /// The samples of `text`, read from the file named `file`.
  /// - Throws: `ScenarioErrors`, every malformed line located.
  public static func parse(_ text: String, file: String) throws(ScenarioErrors) -> [PrometheusSample] {
    var samples: [PrometheusSample] = []
    var errors: [ScenarioError] = []
    var lineNumber = 0
    for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
      lineNumber += 1
      let line = rawLine.hasSuffix("\r") ? rawLine.dropLast() : rawLine
      if line.allSatisfy({ $0 == " " || $0 == "\t" }) || line.first == "#" { continue }
      var cursor = Cursor(Array(line.unicodeScalars))
      switch cursor.sample() {
      case .success(let (name, labels, value)):
        guard samples.count < PrometheusInput.maxSamples else {
          throw ScenarioErrors([ScenarioError(file: file, line: lineNumber, column: 1, keyPath: "",
                                              expected: "at most \(PrometheusInput.maxSamples) samples", found: "more")])
        }
        samples.append(PrometheusSample(name: name, labels: labels, value: value, line: lineNumber, column: 1))
      case .failure(let problem):
        errors.append(ScenarioError(file: file, line: lineNumber, column: problem.column, keyPath: problem.series,
                                    expected: problem.expected, found: problem.found))
        if errors.count >= ScenarioErrors.limit { throw ScenarioErrors(errors, omitted: 1) }
      }
    }
    guard errors.isEmpty else { throw ScenarioErrors(errors) }
    return samples
  }

  /// A malformed sample: where on its line, which series (as far as it was read), what was wrong.
  struct Problem: Error {
    var column: Int
    var series: String
    var expected: String
    var found: String
  }

  /// Reads one sample line, scalar by scalar.
  struct Cursor {
    let scalars: [Unicode.Scalar]
    var index = 0
    var name = ""

    init(_ scalars: [Unicode.Scalar]) { self.scalars = scalars }

    var current: Unicode.Scalar? { index < scalars.count ? scalars[index] : nil }

    func problem(_ expected: String, found: String? = nil) -> Problem {
      let shown = found ?? current.map { _ in "\"\(String(String.UnicodeScalarView(scalars[index...].prefix(20))))\"" } ?? "the end of the line"
      return Problem(column: index + 1, series: name, expected: expected, found: shown)
    }

    mutating func skipBlanks() { while current == " " || current == "\t" { index += 1 } }

    /// `[a-zA-Z_:]`, the first character of a metric or label name.
    static func isNameStart(_ c: Unicode.Scalar) -> Bool { ("a"..."z").contains(c) || ("A"..."Z").contains(c) || c == "_" || c == ":" }
    static func isNameCharacter(_ c: Unicode.Scalar) -> Bool { isNameStart(c) || ("0"..."9").contains(c) }

    mutating func identifier(_ what: String) -> Result<String, Problem> {
      guard let first = current, Self.isNameStart(first) else { return .failure(problem(what)) }
      var text = ""
      while let c = current, Self.isNameCharacter(c) { text.unicodeScalars.append(c); index += 1 }
      return .success(text)
    }

    mutating func sample() -> Result<(String, [String: String], Double), Problem> {
      skipBlanks()
      switch identifier("a metric name") {
      case .failure(let p): return .failure(p)
      case .success(let n): name = n
      }
      var labels: [String: String] = [:]
      if current == "{" {
        index += 1
        skipBlanks()
        while current != "}" {
          let labelColumn = index
          let label: String
          switch identifier("a label name or \"}\"") {
          case .failure(let p): return .failure(p)
          case .success(let l): label = l
          }
          skipBlanks()
          guard current == "=" else { return .failure(problem("\"=\" after label \(label)")) }
          index += 1
          skipBlanks()
          guard current == "\"" else { return .failure(problem("a quoted value of label \(label)")) }
          index += 1
          var value = ""
          while let c = current, c != "\"" {
            if c == "\\" {
              index += 1
              switch current {
              case "\\": value += "\\"
              case "\"": value += "\""
              case "n": value += "\n"
              default: return .failure(problem("an escape \\\\, \\\" or \\n in label \(label)"))
              }
            } else {
              value.unicodeScalars.append(c)
            }
            index += 1
          }
          guard current == "\"" else { return .failure(problem("the closing quote of label \(label)")) }
          index += 1
          guard labels.updateValue(value, forKey: label) == nil else {
            index = labelColumn
            return .failure(problem("each label once", found: "label \(label) twice"))
          }
          skipBlanks()
          if current == "," { index += 1; skipBlanks() } else if current != "}" {
            return .failure(problem("\",\" or \"}\" after label \(label)"))
          }
        }
        index += 1
        name += "{" + labels.sorted { $0.key < $1.key }.map { "\($0.key)=\"\($0.value)\"" }.joined(separator: ",") + "}"
      }
      guard current == " " || current == "\t" else { return .failure(problem("a space and the sample's value")) }
      skipBlanks()
      let valueStart = index
      while let c = current, c != " " && c != "\t" { index += 1 }
      let text = String(String.UnicodeScalarView(scalars[valueStart..<index]))
      guard let value = Self.number(text) else {
        index = valueStart
        return .failure(problem("a number (as Go writes it: 12, 1.5e-05, +Inf, NaN)", found: text.isEmpty ? "nothing" : "\"\(text)\""))
      }
      skipBlanks()
      if current != nil {  // the optional timestamp, milliseconds since the epoch
        let stampStart = index
        while let c = current, c != " " && c != "\t" { index += 1 }
        let stamp = String(String.UnicodeScalarView(scalars[stampStart..<index]))
        guard Int64(stamp) != nil else {
          index = stampStart
          return .failure(problem("an integer timestamp in milliseconds or the end of the line", found: "\"\(stamp)\""))
        }
        skipBlanks()
        guard current == nil else { return .failure(problem("the end of the line")) }
      }
      let bare = name.split(separator: "{", maxSplits: 1).first.map(String.init) ?? name
      return .success((bare, labels, value))
    }

    /// A sample value as Go's strconv writes it: a decimal or exponent number, or ±Inf / NaN.
    static func number(_ text: String) -> Double? {
      switch text {
      case "+Inf", "Inf", "+inf", "inf": return .infinity
      case "-Inf", "-inf": return -.infinity
      case "NaN", "nan": return .nan
      default:
        guard let first = text.unicodeScalars.first, "+-.0123456789".unicodeScalars.contains(first) else { return nil }
        return Double(text)
      }
    }
  }
}
