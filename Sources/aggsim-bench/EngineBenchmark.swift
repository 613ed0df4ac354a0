import ArgumentParser
import Foundation
import AggregationModel
import MallocInterposerSwift
import QueueingModels
import SimCore

/// `make bench`: the SimCore engine on an M/M/1 model, in a release build, side by side with
/// the same model in SimPy.
///
/// Prints model events per second (arrivals + departures, the same count for both tools),
/// heap allocations made while the model ran (counted by ordo-one's malloc interposer, which
/// `make bench` preloads), peak resident memory, the simulated mean wait against the analytic
/// one, and the speed ratio to SimPy. Exits non-zero when the allocation count grows with the
/// number of events, i.e. when something allocates per event.
@main
struct EngineBenchmark: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "aggsim-bench", abstract: "Benchmark the SimCore engine on M/M/1 against SimPy.")

  @Option(help: "Customers in the aggsim run.") var customers = 10_000_000
  @Option(help: "Customers in the SimPy run (SimPy runs about 100x slower).") var simpyCustomers = 1_000_000
  @Option(help: "Python interpreter that has simpy installed.") var python = "Benchmarks/.venv/bin/python"
  @Option(help: "The SimPy model script.") var simpyScript = "Benchmarks/simpy_mm1.py"
  @Flag(help: "Skip the SimPy comparison.") var noSimpy = false
  @Option(help: "Timed runs of the engine; the median is reported (the machine's noise is in the spread).") var runs = 3
  @Flag(help: "Skip the full-model benchmark.") var noModel = false
  @Option(help: "Simulated minutes of the full-model benchmark.") var modelMinutes = 60

  static let arrivalRate = 0.9, serviceRate = 1.0, seed: UInt32 = 12_345

  func run() throws {
    let analytic = QueueingTheory.mm1MeanWait(arrivalRate: Self.arrivalRate, serviceRate: Self.serviceRate)
    print("aggsim engine benchmark: M/M/1, λ = \(Self.arrivalRate)/s, μ = \(Self.serviceRate)/s (ρ = 0.9), seed \(Self.seed)")
    MallocInterposerSwift.initialize()
    let small = measure(customers: max(customers / 10, 1))
    // The same run `runs` times (identical results, different wall times): the median rate.
    let timed = (0..<max(runs, 1)).map { _ in measure(customers: customers) }.sorted { $0.wallSeconds < $1.wallSeconds }
    let large = timed[timed.count / 2]
    let peak = peakResidentMegabytes()
    let rate = Double(large.events) / large.wallSeconds
    print(row("aggsim", events: large.events, wall: large.wallSeconds, rate: rate, peakMB: peak,
              extra: "mean wait \(fixed(large.meanWait, 3)) s (analytic \(fixed(analytic, 3)) s)"))
    if timed.count > 1 {
      print("        median of \(timed.count) runs; all: "
            + timed.map { fixed(Double($0.events) / $0.wallSeconds / 1e6, 2) }.joined(separator: ", ") + " M events/s")
    }

    var failed = false
    if let smallCount = small.allocations, let largeCount = large.allocations {
      let perEvent = Double(largeCount) / Double(large.events)
      print("allocations while the model ran: \(smallCount) for \(small.events) events, \(largeCount) for \(large.events) events"
            + " → \(String(format: "%.7f", perEvent)) per event")
      if largeCount > smallCount + 16 {
        print("FAIL: allocations grow with the number of events (something allocates per event)")
        failed = true
      }
    } else {
      print("allocations: not counted (run through `make bench`, which preloads libMallocInterposerSwift.so)")
    }
    print("target ≥ 20 M events/s: \(rate >= 20e6 ? "met" : "missed") (\(fixed(rate / 1e6, 1)) M)")

    if !noSimpy {
      if let simpy = runSimPy() {
        print(row("SimPy", events: simpy.events, wall: simpy.wallSeconds, rate: simpy.rate, peakMB: simpy.peakMB,
                  extra: "mean wait \(fixed(simpy.meanWait, 3)) s"))
        let ratio = rate / simpy.rate
        print("ratio aggsim / SimPy: \(fixed(ratio, 0))x (target ≥ 100x: \(ratio >= 100 ? "met" : "missed"))")
      } else {
        print("SimPy: not run (\(python) \(simpyScript) failed; `make bench` installs simpy into Benchmarks/.venv)")
      }
    }
    if !noModel && !benchmarkModel() { failed = true }
    if failed { throw ExitCode.failure }
  }

  /// The full model, on a short run and then a long one: events/s, and whether the peak memory
  /// or the allocations grow with the simulated duration (false: they do).
  func benchmarkModel() -> Bool {
    print("full model: 10 extension servers × 2 pods, 10 clients × 500 req/s, APF defaults, lognormal links")
    var allocations: [Int] = []
    for minutes in [max(modelMinutes / 10, 1), modelMinutes] {
      let m = ModelBenchmark.measure(duration: .minutes(minutes))
      allocations.append(m.allocations)
      let rate = Double(m.events) / m.wallSeconds
      print("model   \(minutes) simulated min  events \(m.events)  wall \(fixed(m.wallSeconds, 2)) s  events/s \(fixed(rate / 1e6, 2)) M"
            + "  requests \(m.requests)  ok \(fixed(100 * m.okFraction, 2))%  p99 \(fixed(m.p99.seconds * 1e3, 1)) ms"
            + "  allocations/event \(String(format: "%.4f", Double(m.allocations) / Double(m.events)))"
            + "  peak RSS \(fixed(peakResidentMegabytes(), 1)) MB")
      if minutes == modelMinutes {
        print("target ≥ 3 M events/s: \(rate >= 3e6 ? "met" : "missed") (\(fixed(rate / 1e6, 2)) M)")
      }
    }
    // Tables grow to the peak of work in flight, the same in both runs; ten times the simulated
    // time must not bring (many) more allocations.
    guard interposerIsLoaded(), let short = allocations.first, let long = allocations.last else { return true }
    print("model allocations: \(short) in the short run, \(long) in the long one")
    if long > short + short / 10 + 64 {
      print("FAIL: the full model's allocations grow with the simulated time (something allocates per event)")
      return false
    }
    return true
  }

  struct Measurement {
    var events: UInt64, wallSeconds: Double, meanWait: Double, allocations: Int?
  }

  /// One run of `customers` customers, timed, with allocations counted while the model runs.
  func measure(customers: Int) -> Measurement {
    let configuration = StationConfiguration(
      interarrival: .exponential(mean: .seconds(1 / Self.arrivalRate)),
      service: .exponential(mean: .seconds(1 / Self.serviceRate)),
      customers: customers, batchSize: 1_000_000)
    var station = MultiServerQueue(configuration, streams: try! StreamRegistry(runSeed: Self.seed, replication: 0))
    let (result, wall, mallocs) = Self.timedCountingAllocations { station.run() }
    return Measurement(events: result.events, wallSeconds: wall, meanWait: result.wait.mean,
                       allocations: interposerIsLoaded() ? mallocs : nil)
  }

  /// Runs `body`, timing it and counting the heap allocations it makes (zero unless the
  /// interposer is preloaded).
  static func timedCountingAllocations<T>(_ body: () -> T) -> (result: T, wallSeconds: Double, allocations: Int) {
    MallocInterposerSwift.reset()
    MallocInterposerSwift.hook()
    let start = DispatchTime.now().uptimeNanoseconds
    let result = body()
    let wall = Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9
    MallocInterposerSwift.unhook()
    return (result, wall, MallocInterposerSwift.getStatistics().mallocCount)
  }

  /// True when the interposer really sees this process's allocations (it is preloaded).
  func interposerIsLoaded() -> Bool {
    MallocInterposerSwift.reset()
    MallocInterposerSwift.hook()
    let canary = UnsafeMutableRawPointer.allocate(byteCount: 64, alignment: 8)
    canary.deallocate()
    MallocInterposerSwift.unhook()
    return MallocInterposerSwift.getStatistics().mallocCount > 0
  }

  struct SimPyResult { var events: UInt64, wallSeconds: Double, rate: Double, peakMB: Double, meanWait: Double }

  /// Runs the SimPy model and reads its `key=value` summary line.
  func runSimPy() -> SimPyResult? {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: python)
    process.arguments = [simpyScript, String(simpyCustomers), String(Self.seed)]
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
    return SimPyResult(events: events, wallSeconds: wall, rate: Double(events) / wall, peakMB: peakKB / 1024, meanWait: wait)
  }

  func peakResidentMegabytes() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_maxrss) / 1024  // Linux reports kilobytes
  }

  func row(_ tool: String, events: UInt64, wall: Double, rate: Double, peakMB: Double, extra: String) -> String {
    "\(tool.padding(toLength: 7, withPad: " ", startingAt: 0)) events \(events)  wall \(fixed(wall, 3)) s  "
      + "events/s \(fixed(rate / 1e6, 2)) M  peak RSS \(fixed(peakMB, 1)) MB  \(extra)"
  }

  func fixed(_ x: Double, _ digits: Int) -> String { String(format: "%.\(digits)f", x) }
}
