import Foundation
import Testing
@testable import SimOutput

/// A fresh directory under the system's temporary directory, removed by `cleanUp()`.
struct ScratchDirectory {
  let path: String

  init() throws {
    path = FileManager.default.temporaryDirectory.appendingPathComponent("simoutput-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
  }

  func cleanUp() { try? FileManager.default.removeItem(atPath: path) }

  /// Names in `path` (or a subdirectory), sorted.
  func list(_ sub: String = "") throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: sub.isEmpty ? path : "\(path)/\(sub)").sorted()
  }

  func read(_ relative: String) throws -> String {
    String(decoding: try Data(contentsOf: URL(fileURLWithPath: "\(path)/\(relative)")), as: UTF8.self)
  }
}

@Suite("Atomic output")
struct OutputDirectoryTests {
  let good = [OutputFile(name: "summary.csv", text: "a,b\n1,2\n"), OutputFile(name: "metadata.json", text: "{}\n")]

  @Test("a write creates <root>/<scenario>/ with exactly the given files and no staging directory")
  func successfulWrite() throws {
    let scratch = try ScratchDirectory()
    defer { scratch.cleanUp() }
    let out = try OutputDirectory(root: "\(scratch.path)/notebooks-out", scenario: "smoke")
    try out.write(good)
    #expect(try scratch.list("notebooks-out") == [".smoke.lock", "smoke"])
    #expect(try scratch.list("notebooks-out/smoke") == ["metadata.json", "summary.csv"])
    #expect(try scratch.read("notebooks-out/smoke/summary.csv") == "a,b\n1,2\n")

    try out.write([OutputFile(name: "events.csv", text: "x\n")])  // replaces the whole set
    #expect(try scratch.list("notebooks-out") == [".smoke.lock", "smoke"])
    #expect(try scratch.list("notebooks-out/smoke") == ["events.csv"])
  }

  @Test("a write failing after its first file leaves the previous results byte-identical and no temp directory")
  func failedWriteKeepsOldResults() throws {
    let scratch = try ScratchDirectory()
    defer { scratch.cleanUp() }
    let out = try OutputDirectory(root: scratch.path, scenario: "smoke")
    try out.write(good)
    let tooLong = String(repeating: "x", count: 300) + ".csv"  // > NAME_MAX: open(2) fails
    let bad = [OutputFile(name: "summary.csv", text: "new\n"), OutputFile(name: tooLong, text: "y\n")]
    let expected = OutputError.system(
      operation: "create file", path: "\(out.stagingPath)/\(tooLong)", errno: ENAMETOOLONG)
    #expect(throws: expected) {
      try out.write(bad)
    }
    #expect(try scratch.list() == [".smoke.lock", "smoke"])
    #expect(try scratch.list("smoke") == ["metadata.json", "summary.csv"])
    #expect(try scratch.read("smoke/summary.csv") == "a,b\n1,2\n")
    #expect(try scratch.read("smoke/metadata.json") == "{}\n")
  }

  @Test("a summary and its metadata written twice give byte-identical CSVs on disk, equal to the rendered table")
  func endToEndDeterministic() throws {
    let scratch = try ScratchDirectory()
    defer { scratch.cleanUp() }
    var builder = SummaryBuilder()
    builder.add(scopeKind: "client", scope: "kubectl, \"admin\"", metric: "latency_p50", unit: "s", values: [0.1, 0.3])
    let summary = OutputFile(schema: OutputSchema.summary, table: builder.table())
    let metadata = try RunMetadataTests.sample.outputFile()
    let out = try OutputDirectory(root: scratch.path, scenario: "e2e")
    try out.write([summary, metadata])
    let first = try scratch.read("e2e/summary.csv")
    try out.write([summary, metadata])
    #expect(try scratch.read("e2e/summary.csv") == first)
    #expect(first == builder.table().rendered())
    #expect(first.contains("0,0,client,\"kubectl, \"\"admin\"\"\",latency_p50,s,0.1,,,,,,\n"))
    #expect(try scratch.read("e2e/metadata.json") == RunMetadataTests.sample.json())
  }

  @Test("a failed system call is reported with the operation, the path and the system's message")
  func errorMessage() throws {
    let error = OutputError.system(operation: "create file", path: "/out/.s.partial-7/x.csv", errno: ENAMETOOLONG)
    #expect(error.description == "cannot create file '/out/.s.partial-7/x.csv': File name too long (errno 36)")
    let duplicate = OutputError.duplicateFileName("summary.csv")
    #expect(duplicate.description == "output file 'summary.csv' appears twice in one write")
  }

  @Test("a root that is a regular file fails with a clear error and nothing is created")
  func rootIsAFile() throws {
    let scratch = try ScratchDirectory()
    defer { scratch.cleanUp() }
    try AtomicFileWriter.write("not a directory\n", to: "\(scratch.path)/root")
    let out = try OutputDirectory(root: "\(scratch.path)/root", scenario: "smoke")
    #expect(throws: OutputError.system(operation: "create directory", path: "\(scratch.path)/root", errno: EEXIST)) {
      try out.write(good)
    }
    #expect(try scratch.list() == ["root"])
  }

  @Test("stale staging and old directories of killed runs are ignored, then removed by the next good write")
  func stalePartialCleaned() throws {
    let scratch = try ScratchDirectory()
    defer { scratch.cleanUp() }
    let out = try OutputDirectory(root: scratch.path, scenario: "smoke")
    let deadPID = Int32.max  // above any pid_max, so no such process
    let fm = FileManager.default
    for stale in [".smoke.partial-\(deadPID)", ".smoke.old-\(deadPID)", ".smoke.partial-\(getpid())"] {
      try fm.createDirectory(atPath: "\(scratch.path)/\(stale)", withIntermediateDirectories: false)
      try Data("half\n".utf8).write(to: URL(fileURLWithPath: "\(scratch.path)/\(stale)/summary.csv"))
    }
    try fm.createDirectory(atPath: "\(scratch.path)/.other.partial-\(deadPID)", withIntermediateDirectories: false)
    try out.write(good)
    #expect(try scratch.list() == [".other.partial-\(deadPID)", ".smoke.lock", "smoke"])
    #expect(try scratch.read("smoke/summary.csv") == "a,b\n1,2\n")
  }

  @Test("bad scenario and file names are rejected before anything is written")
  func badNames() throws {
    let scratch = try ScratchDirectory()
    defer { scratch.cleanUp() }
    for name in ["", ".", "..", ".hidden", "a/b"] {
      #expect(throws: OutputError.invalidScenarioName(name)) { try OutputDirectory(root: scratch.path, scenario: name) }
    }
    let out = try OutputDirectory(root: scratch.path, scenario: "s")
    for name in ["", ".", "..", "dir/x.csv"] {
      #expect(throws: OutputError.invalidFileName(name)) { try out.write([OutputFile(name: name, text: "")]) }
    }
    #expect(throws: OutputError.duplicateFileName("a.csv")) {
      try out.write([OutputFile(name: "a.csv", text: "1"), OutputFile(name: "a.csv", text: "2")])
    }
    #expect(try scratch.list() == [])
  }

  @Test("a single file is replaced atomically and no partial file remains")
  func atomicSingleFile() throws {
    let scratch = try ScratchDirectory()
    defer { scratch.cleanUp() }
    try AtomicFileWriter.write("one\n", to: "\(scratch.path)/f.csv")
    try AtomicFileWriter.write([0x74, 0x77, 0x6f, 0x0a], to: "\(scratch.path)/f.csv")
    #expect(try scratch.read("f.csv") == "two\n")
    #expect(try scratch.list() == ["f.csv"])
    #expect(throws: OutputError.self) { try AtomicFileWriter.write("x", to: "\(scratch.path)/missing-dir/f.csv") }
    #expect(try scratch.list() == ["f.csv"])
  }
}
