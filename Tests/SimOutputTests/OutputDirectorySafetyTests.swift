import Foundation
import Testing
@testable import SimOutput

/// What the results directory survives: a second writer, a file in its place, a full disk, a
/// kill between the two renames of the fallback swap (issue 13, item 4).
@Suite("Atomic output: locks, exchange and refusals")
struct OutputDirectorySafetyTests {
  let first = [OutputFile(name: "summary.csv", text: "old\n")]
  let second = [OutputFile(name: "summary.csv", text: "new\n")]

  @Test("a second write of the same results fails at once with busy while the first holds the lock, and nothing changes")
  func secondWriterFailsFast() async throws {
    let scratch = try ScratchDirectory()
    defer { scratch.cleanUp() }
    let out = try OutputDirectory(root: scratch.path, scenario: "smoke")
    try out.write(first)
    // Another process's lock: a separate open file description, as a second aggsim would hold.
    let holder = try #require(try SystemCalls.tryLock(out.lockPath))
    #expect(throws: OutputError.busy(path: out.path, lockFile: out.lockPath)) { try out.write(second) }
    await #expect(throws: OutputError.busy(path: out.path, lockFile: out.lockPath)) {
      try await out.write { _ in Issue.record("the body ran although the lock is held"); return [] }
    }
    SystemCalls.unlock(holder)
    #expect(try scratch.read("smoke/summary.csv") == "old\n")
    try out.write(second)
    #expect(try scratch.read("smoke/summary.csv") == "new\n")
  }

  @Test("a regular file where the results go is refused before the run and never deleted")
  func fileInPlaceIsRefused() async throws {
    let scratch = try ScratchDirectory()
    defer { scratch.cleanUp() }
    try Data("mine\n".utf8).write(to: URL(fileURLWithPath: "\(scratch.path)/smoke"))
    let out = try OutputDirectory(root: scratch.path, scenario: "smoke")
    await #expect(throws: OutputError.notADirectory(out.path)) {
      try await out.write { _ in Issue.record("the body ran although the target is a file"); return [] }
    }
    #expect(try scratch.read("smoke") == "mine\n")
    #expect(try scratch.list() == [".smoke.lock", "smoke"])
  }

  @Test("an estimate beyond the free space fails before the run, naming both sizes")
  func insufficientSpace() async throws {
    let scratch = try ScratchDirectory()
    defer { scratch.cleanUp() }
    let out = try OutputDirectory(root: scratch.path, scenario: "smoke")
    let free = try #require(SystemCalls.freeBytes(scratch.path))
    let needed = free + 1_000_000_000_000
    // The free space moves while other processes write (the other tests), so the error's
    // `available` is read from the error, and checked to be near the first reading.
    do {
      try await out.write(estimatedBytes: needed) { _ in Issue.record("the body ran"); return [] }
      Issue.record("no error")
    } catch let error as OutputError {
      guard case .insufficientSpace(let path, let reportedNeed, let available) = error else { Issue.record("\(error)"); return }
      #expect(path == out.path && reportedNeed == needed)
      #expect(abs(Int64(available) - Int64(free)) < 1_000_000_000, "\(available) vs \(free)")
    }
    #expect(OutputError.insufficientSpace(path: "o", needed: 12_345_678, available: 50_000).description
              == "not enough free space for 'o': the run's outputs need about 12.3 MB and 0.1 MB are free")
  }

  @Test("the swap exchanges the directories in one step: no moved-aside copy is ever made, and the old result is gone after")
  func exchangeLeavesNoOldCopy() throws {
    let scratch = try ScratchDirectory()
    defer { scratch.cleanUp() }
    let out = try OutputDirectory(root: scratch.path, scenario: "smoke")
    try out.write(first)
    try out.write(second)
    #expect(try scratch.list() == [".smoke.lock", "smoke"])
    #expect(try scratch.read("smoke/summary.csv") == "new\n")
  }

  @Test("renameat2's exchange swaps two directories' contents under their names")
  func exchangeSwaps() throws {
    let scratch = try ScratchDirectory()
    defer { scratch.cleanUp() }
    for (name, text) in [("a", "A\n"), ("b", "B\n")] {
      try FileManager.default.createDirectory(atPath: "\(scratch.path)/\(name)", withIntermediateDirectories: false)
      try Data(text.utf8).write(to: URL(fileURLWithPath: "\(scratch.path)/\(name)/f"))
    }
    #expect(try SystemCalls.exchange("\(scratch.path)/a", "\(scratch.path)/b"))
    #expect(try scratch.read("a/f") == "B\n" && scratch.read("b/f") == "A\n")
  }

  @Test("a previous result left moved aside by a killed run (results' place empty) is put back before a write that then fails")
  func movedAsideResultIsRecovered() async throws {
    let scratch = try ScratchDirectory()
    defer { scratch.cleanUp() }
    let out = try OutputDirectory(root: scratch.path, scenario: "smoke")
    let aside = "\(scratch.path)/.smoke.old-\(Int32.max)"
    try FileManager.default.createDirectory(atPath: aside, withIntermediateDirectories: false)
    try Data("old\n".utf8).write(to: URL(fileURLWithPath: "\(aside)/summary.csv"))
    struct Interrupted: Error {}
    await #expect(throws: Interrupted.self) { try await out.write { _ in throw Interrupted() } }
    #expect(try scratch.list() == [".smoke.lock", "smoke"])
    #expect(try scratch.read("smoke/summary.csv") == "old\n")
  }
}
