import ArgumentParser
import Foundation
import SimOutput

/// `aggsim report`: a Markdown report of a finished run, read from its output directory
/// (`notebooks-out/<scenario>/`), printed or written atomically to `--out`; and `report.html`
/// (`HTMLReport`: tables and charts, self-contained) written atomically into that directory. A
/// comparison's or capacity search's directory (no summary.csv) gets `report.html` alone.
struct ReportCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "report", abstract: "Write a Markdown report of a finished run, and report.html into its output directory.")

  @Argument(help: "The run's output directory, e.g. notebooks-out/quickstart.") var directory: String
  @Option(help: "Write the report to this file (atomically) instead of printing it.") var out: String?

  func run() throws {
    do {
      let html = try Self.writeHTML(directory: directory)
      guard FileManager.default.fileExists(atPath: (directory as NSString).appendingPathComponent("summary.csv")) else {
        print("report → \(html)")
        return
      }
      let report = try Self.report(directory: directory)
      if let out {
        try AtomicFileWriter.write(report, to: out)
        print("report → \(out)")
      } else {
        print(report, terminator: "")
      }
    } catch let error as RunReportError {
      FileHandle.standardError.write(Data("aggsim report: \(error)\n".utf8))
      throw ExitCode(ScenarioRunner.badScenarioExitCode)
    } catch let error as OutputError {
      FileHandle.standardError.write(Data("aggsim report: \(error)\n".utf8))
      throw ExitCode.failure
    }
  }

  /// Writes `report.html` into `directory` (atomically) and returns its path.
  static func writeHTML(directory: String) throws -> String {
    let path = (directory as NSString).appendingPathComponent("report.html")
    try AtomicFileWriter.write(try HTMLReport(files: RunFiles(directory: directory)).render(), to: path)
    return path
  }

  /// The report of the run in `directory`.
  static func report(directory: String) throws -> String {
    let base = directory.hasSuffix("/") ? directory : directory + "/"
    guard let summary = try read(base + "summary.csv") else { throw RunReportError.missingFile(base + "summary.csv") }
    var metadata: RunMetadata?
    if let data = FileManager.default.contents(atPath: base + "metadata.json") {
      do { metadata = try JSONDecoder().decode(RunMetadata.self, from: data) } catch {
        throw RunReportError.unreadable(file: base + "metadata.json", problem: "not aggsim run metadata (\(error))")
      }
    }
    let name = URL(fileURLWithPath: directory).lastPathComponent
    return try RunReport(summary: summary, metadata: metadata, sweep: try read(base + "sweep.csv"),
                         events: try read(base + "events.csv"), findings: try read(base + OutputSchema.findings.fileName)).render(name: name)
  }

  /// The CSV file at `path`, or nil when there is none.
  static func read(_ path: String) throws(RunReportError) -> CSVDocument? {
    guard let data = FileManager.default.contents(atPath: path) else { return nil }
    guard let text = String(data: data, encoding: .utf8) else { throw RunReportError.unreadable(file: path, problem: "not UTF-8 text") }
    do {
      return try CSVDocument(parsing: text)
    } catch {
      throw RunReportError.unreadable(file: path, problem: error.description)
    }
  }
}
