import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing

/// `check` takes a directory of scenarios (a regression suite) and writes JUnit XML, one test
/// case per expectation, which CI systems show as tests (issue 12 item 3).
@Suite("aggsim end to end: check as a CI gate")
struct CheckJUnitTests {
  @Test("a directory of two scenarios gives one JUnit suite each, a test case per expectation, a <failure> for the failed one, and exit 1")
  func junitSuite() throws {
    let dir = try AggsimBinaryTests.temporaryDirectory(), out = try AggsimBinaryTests.temporaryDirectory()
    try FileManager.default.copyItem(atPath: "Scenarios/dead-http2-connection.yaml", toPath: "\(dir)/dead-http2-connection.yaml")
    // The quickstart with client/hpa's p99 bound made impossible.
    let quickstart = try String(contentsOfFile: "Scenarios/quickstart.yaml", encoding: .utf8)
      .replacingOccurrences(of: "{metric: latency_p99_s, scope: client/hpa, max: 0.5}", with: "{metric: latency_p99_s, scope: client/hpa, max: 0.000001}")
    try quickstart.write(toFile: "\(dir)/quickstart.yaml", atomically: true, encoding: .utf8)
    let run = try AggsimBinaryTests.aggsim(["check", dir, "--junit", "\(out)/junit.xml", "--out", out, "--replications", "2"])
    #expect(run.status == 1, "\(run.stdout)\(run.stderr)")
    let document = try XMLDocument(contentsOf: URL(fileURLWithPath: "\(out)/junit.xml"))
    let suites = try document.nodes(forXPath: "/testsuites/testsuite").compactMap { ($0 as? XMLElement)?.attribute(forName: "name")?.stringValue }
    #expect(suites == ["dead-http2-connection", "quickstart"])
    #expect(try document.nodes(forXPath: "//testcase").count == 5)
    let failures = try document.nodes(forXPath: "//testcase[failure]/@name").compactMap(\.stringValue)
    #expect(failures.count == 1)
    #expect(failures.contains("client/hpa latency_p99_s mean ≤ 1e-06"), "\(failures)")
    #expect((try document.nodes(forXPath: "/testsuites/@tests").first?.stringValue) == "5")
  }

  @Test("a directory without scenario files is a usage error")
  func emptyDirectory() throws {
    let dir = try AggsimBinaryTests.temporaryDirectory()
    let run = try AggsimBinaryTests.aggsim(["check", dir])
    #expect(run.status == 64)
    #expect(run.stderr.contains("is a directory without scenario files (*.yaml)"), "\(run.stderr)")
  }
}
