import Foundation
import SimOutput

/// The files of one output directory that `report.html` reads, each nil when absent: a run's
/// `summary.csv`, `timeseries.csv`, `events.csv`, `findings.csv`, `metadata.json`; a sweep's `sweep.csv` and
/// `sweep-summary.csv`; a comparison's `compare.csv`; a capacity search's `capacity.csv`.
struct RunFiles {
  var name: String
  var metadata: RunMetadata?
  var summary: CSVDocument?
  var timeseries: CSVDocument?
  var events: CSVDocument?
  var findings: CSVDocument?
  var sweep: CSVDocument?
  var sweepSummary: CSVDocument?
  var compare: CSVDocument?
  var capacity: CSVDocument?

  /// Reads `directory`; fails when it holds none of summary.csv, compare.csv and capacity.csv.
  init(directory: String) throws {
    let base = directory.hasSuffix("/") ? directory : directory + "/"
    name = URL(fileURLWithPath: directory).lastPathComponent
    if let data = FileManager.default.contents(atPath: base + "metadata.json") {
      do { metadata = try JSONDecoder().decode(RunMetadata.self, from: data) } catch {
        throw RunReportError.unreadable(file: base + "metadata.json", problem: "not aggsim run metadata (\(error))")
      }
    }
    summary = try ReportCommand.read(base + "summary.csv")
    timeseries = try ReportCommand.read(base + "timeseries.csv")
    events = try ReportCommand.read(base + "events.csv")
    findings = try ReportCommand.read(base + OutputSchema.findings.fileName)
    sweep = try ReportCommand.read(base + "sweep.csv")
    sweepSummary = try ReportCommand.read(base + SweepSummary.fileName)
    compare = try ReportCommand.read(base + "compare.csv")
    capacity = try ReportCommand.read(base + "capacity.csv")
    guard summary != nil || compare != nil || capacity != nil else { throw RunReportError.missingFile(base + "summary.csv") }
  }

  /// The rows of `document` as dictionaries keyed by column name.
  static func records(_ document: CSVDocument?) -> [[String: String]] {
    guard let document else { return [] }
    return document.rows.map { row in
      var record: [String: String] = [:]
      for (index, column) in document.columns.enumerated() where index < row.count { record[column] = row[index] }
      return record
    }
  }
}
