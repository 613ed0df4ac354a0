import Foundation
import Testing
@testable import SimOutput

@Suite("Results streamed into the staging directory")
struct StreamedWriteTests {
  let good = [OutputFile(name: "summary.csv", text: "a,b\n1,2\n"), OutputFile(name: "metadata.json", text: "{}\n")]
  let schema = OutputSchema.events

  /// The rows of part `key` (`count` of them), laid out as `schema` says.
  func rows(_ key: Int, count: Int) -> [[CSVValue]] {
    (0..<count).map { [.integer(0), .integer(key), .number(Double($0)), "fault_begins", .text("server/\(key)"), .text("row \($0)")] }
  }

  /// Writes part `key` of `schema`'s file in `staged`: the `count` rows of `rows(key, count:)`.
  func writePart(_ staged: StagedWrite, key: Int, count: Int) throws {
    let part = try staged.openPart(of: schema, key: "\(key)")
    for row in rows(key, count: count) { try part.append(row) }
    try part.close(sync: false)
  }

  struct Interrupted: Error {}

  @Test("parts written at the same time by several tasks are joined under one header in the order of their keys, and no part stays")
  func partsJoinedInKeyOrder() async throws {
    let scratch = try ScratchDirectory()
    defer { scratch.cleanUp() }
    let out = try OutputDirectory(root: scratch.path, scenario: "smoke")
    let keys = (0..<4).map(String.init)
    try await out.write { staged in
      try await withThrowingTaskGroup(of: Void.self) { group in
        for key in (0..<4).reversed() {  // the last part starts first
          group.addTask { try writePart(staged, key: key, count: 2_000 * (4 - key)) }
        }
        try await group.waitForAll()
      }
      try staged.joinParts(of: schema, keys: keys)
      return good
    }
    var expected = CSVTable(schema: schema)
    for key in 0..<4 { expected.append(contentsOf: rows(key, count: 2_000 * (4 - key))) }
    #expect(try scratch.list() == [".smoke.lock", "smoke"])
    #expect(try scratch.list("smoke") == ["events.csv", "metadata.json", "summary.csv"])
    #expect(try scratch.read("smoke/events.csv") == expected.rendered())
    #expect(try scratch.read("smoke/summary.csv") == "a,b\n1,2\n")
  }

  /// Writes `good`, then a streamed write running `body`, and checks that the results are still
  /// `good`'s, byte for byte, with no staging directory left; returns what the streamed write
  /// threw and where it staged.
  func previousResultsKept(after body: (StagedWrite) async throws -> [OutputFile]) async throws
    -> (error: (any Error)?, staging: String) {
    let scratch = try ScratchDirectory()
    defer { scratch.cleanUp() }
    let out = try OutputDirectory(root: scratch.path, scenario: "smoke")
    try out.write(good)
    var failure: (any Error)? = nil
    do { try await out.write(streaming: body) } catch { failure = error }
    #expect(try scratch.list() == [".smoke.lock", "smoke"])
    #expect(try scratch.list("smoke") == ["metadata.json", "summary.csv"])
    #expect(try scratch.read("smoke/summary.csv") == "a,b\n1,2\n")
    #expect(try scratch.read("smoke/metadata.json") == "{}\n")
    return (failure, out.stagingPath)
  }

  @Test("a streamed write that fails after joining a file leaves the previous results byte-identical and no staging directory")
  func failureKeepsOldResults() async throws {
    let outcome = try await previousResultsKept { staged in
      try writePart(staged, key: 0, count: 10)
      try staged.joinParts(of: schema, keys: ["0"])
      throw Interrupted()
    }
    #expect(outcome.error is Interrupted)
  }

  @Test("joining a part that was never written fails with the part's path, and the previous results stay")
  func missingPartFails() async throws {
    let outcome = try await previousResultsKept { staged in
      try writePart(staged, key: 0, count: 0)
      try staged.joinParts(of: schema, keys: ["0", "1"])
      return good
    }
    let missing = OutputError.system(operation: "open file", path: "\(outcome.staging)/.parts/events.csv.1", errno: ENOENT)
    #expect(outcome.error as? OutputError == missing)
  }

  @Test("a part that is not joined never reaches the results")
  func unjoinedPartDropped() async throws {
    let scratch = try ScratchDirectory()
    defer { scratch.cleanUp() }
    let out = try OutputDirectory(root: scratch.path, scenario: "smoke")
    try await out.write { staged in
      try writePart(staged, key: 0, count: 1)
      return good
    }
    #expect(try scratch.list() == [".smoke.lock", "smoke"])
    #expect(try scratch.list("smoke") == ["metadata.json", "summary.csv"])
  }
}
