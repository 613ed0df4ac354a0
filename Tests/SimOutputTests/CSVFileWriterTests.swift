import Foundation
import Testing
@testable import SimOutput

@Suite("CSV files written row by row")
struct CSVFileWriterTests {
  /// Rows that need every kind of rendering: quoting, doubled quotes, NaN, infinities, -0.0,
  /// integers and empty fields; `count` of them.
  static func rows(_ count: Int) -> [[CSVValue]] {
    (0..<count).map { i in
      [.integer(i), .text(i % 7 == 0 ? "kube, \"admin\" #\(i)" : "client-\(i % 3)"), .number(Double(i) / 3),
       [CSVValue.number(.nan), .number(.infinity), .number(-0.0), .empty][i % 4]]
    }
  }

  static let columns = ["n", "scope", "value_s", "extra"]

  @Test("a file written row by row, in 64 KiB blocks, has exactly the bytes of the table with the same rows")
  func sameBytesAsTheTable() throws {
    let scratch = try ScratchDirectory()
    defer { scratch.cleanUp() }
    let rows = Self.rows(10_000)
    var table = CSVTable(columns: Self.columns)
    table.append(contentsOf: rows)
    let writer = try CSVFileWriter(path: "\(scratch.path)/t.csv", columns: Self.columns)
    for row in rows { try writer.append(row) }
    try writer.close(sync: true)
    let written = try scratch.read("t.csv")
    #expect(written.utf8.count > 3 * CSVFileWriter.blockSize)  // several blocks were written
    #expect(written == table.rendered())
    #expect(written.hasPrefix("n,scope,value_s,extra\n0,\"kube, \"\"admin\"\" #0\",0.0,\n1,client-1,0.3333333333333333,inf\n"))
  }

  @Test("a part has no header, and a file that takes in parts holds its own rows, then each part's bytes, in order")
  func partsAreAppendedInOrder() throws {
    let scratch = try ScratchDirectory()
    defer { scratch.cleanUp() }
    for (name, rows) in [("a", [["1", "x"]]), ("b", [["2", "y"], ["3", "z"]])] as [(String, [[CSVValue]])] {
      let part = try CSVFileWriter(path: "\(scratch.path)/\(name)", columns: ["k", "v"], writesHeader: false)
      for row in rows { try part.append(row) }
      try part.close(sync: false)
    }
    let joined = try CSVFileWriter(path: "\(scratch.path)/joined.csv", columns: ["k", "v"])
    try joined.append(["0", "w"])
    try joined.append(contentsOfFile: "\(scratch.path)/b")
    try joined.append(contentsOfFile: "\(scratch.path)/a")
    try joined.close(sync: true)
    #expect(try scratch.read("a") == "1,x\n")
    #expect(try scratch.read("joined.csv") == "k,v\n0,w\n2,y\n3,z\n1,x\n")
  }

  @Test("a writer never replaces an existing file")
  func neverOverwrites() throws {
    let scratch = try ScratchDirectory()
    defer { scratch.cleanUp() }
    try AtomicFileWriter.write("kept\n", to: "\(scratch.path)/t.csv")
    #expect(throws: OutputError.system(operation: "create file", path: "\(scratch.path)/t.csv", errno: EEXIST)) {
      _ = try CSVFileWriter(path: "\(scratch.path)/t.csv", columns: ["a"])
    }
    #expect(try scratch.read("t.csv") == "kept\n")
  }
}
