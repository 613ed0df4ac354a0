internal import Foundation

/// Reads a file for `aggsim import prometheus`: a Prometheus text exposition (a `/metrics`
/// scrape) or a Prometheus HTTP API query result (JSON, told apart by its first non-blank
/// character, `{`), of at most `PrometheusInput.maxBytes`, as UTF-8.
public enum PrometheusImport {
  /// The samples of the file at `path` (problems name it as given).
  public static func read(path: String) throws(ScenarioErrors) -> PrometheusInput {
    func fail(_ expected: String, _ found: String) -> ScenarioErrors {
      ScenarioErrors([ScenarioError(file: path, line: 0, column: 0, keyPath: "", expected: expected, found: found)])
    }
    guard let bytes = InputGuard.read(path: path, limit: PrometheusInput.maxBytes) else { throw fail("a readable file", "none") }
    guard bytes.count <= PrometheusInput.maxBytes else {
      throw fail("a file of at most \(PrometheusInput.maxBytes >> 20) MiB", "more")
    }
    if let offset = InputGuard.firstInvalidUTF8(bytes) {
      let (line, column) = InputGuard.position(of: offset, in: bytes)
      throw ScenarioErrors([ScenarioError(file: path, line: line, column: column, keyPath: "", expected: "UTF-8 text",
                                          found: "the byte 0x\(String(bytes[offset], radix: 16, uppercase: true))")])
    }
    if bytes.first(where: { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }) == UInt8(ascii: "{") {
      return try PrometheusQueryResult.parse(bytes, file: path)
    }
    return PrometheusInput(samples: try PrometheusTextFormat.parse(String(decoding: bytes, as: UTF8.self), file: path))
  }
}
