import Foundation

/// One run of the M/M/1 model in SimPy (`Benchmarks/simpy_mm1.py`), read from the script's
/// `key=value` summary line: model events (arrivals + departures, as the engine counts them),
/// wall seconds of `env.run()`, the process's peak resident memory and the mean wait.
struct SimPyRun {
  var events: UInt64, wallSeconds: Double, peakMB: Double, meanWait: Double

  var eventsPerSecond: Double { Double(events) / wallSeconds }

  /// Runs `script` with `python` for `customers` customers and `seed`; nil when the script
  /// cannot be run or prints no complete summary.
  static func run(python: String, script: String, customers: Int, seed: UInt32) -> SimPyRun? {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: python)
    process.arguments = [script, String(customers), String(seed)]
    let pipe = Pipe()
    process.standardOutput = pipe
    guard (try? process.run()) != nil else { return nil }
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0, let text = String(data: data, encoding: .utf8) else { return nil }
    var fields: [String: String] = [:]
    for pair in text.split(whereSeparator: { $0 == "," || $0.isNewline }) {
      let parts = pair.split(separator: "=", maxSplits: 1)
      if parts.count == 2 { fields[String(parts[0])] = String(parts[1]) }
    }
    guard let events = fields["model_events"].flatMap({ UInt64($0) }),
          let wall = fields["wall_s"].flatMap({ Double($0) }),
          let peakKB = fields["peak_rss_kb"].flatMap({ Double($0) }),
          let wait = fields["wq_sim"].flatMap({ Double($0) }) else { return nil }
    return SimPyRun(events: events, wallSeconds: wall, peakMB: peakKB / 1024, meanWait: wait)
  }
}
