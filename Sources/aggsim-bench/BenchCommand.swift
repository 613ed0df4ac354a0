import ArgumentParser
import Dispatch
import MallocInterposerSwift

/// `make bench`: measures what issue 9's performance section asks, in a release build, and
/// prints each target as `target <target>: met|missed|not judged (<figure>)` next to its
/// measurement, then all of them in a summary table.
///
/// Parts, in this order (each but the first two can be skipped): the engine on M/M/1, the same
/// model on the bare dependencies (`BareKernelBenchmark`) and in SimPy (`EngineBenchmark`), the
/// full model (`ModelBenchmark`), the capacity hour (`CapacityHourBenchmark`) and replications
/// with one job and two (`JobsScalingBenchmark`).
/// Heap allocations are counted by ordo-one's malloc interposer, which `make bench` preloads.
///
/// Exits non-zero only when allocations grow with the number of events or the simulated time
/// (something allocates per event). A missed speed target is printed, not failed: speed
/// depends on the machine and on what else runs on it, so the header and the summary give the
/// cores and the load average.
///
/// The command itself is synchronous (only the jobs scaling waits for its tasks), so that the
/// engine and the model can be run under `valgrind --tool=callgrind`, which does not survive
/// the asynchronous main's dispatch threads.
@main
struct BenchCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "aggsim-bench",
    abstract: "Measure issue 9's performance targets: engine vs SimPy, full model, capacity hour, --jobs scaling.")

  @Option(help: "Customers in the engine's M/M/1 run.") var customers = 10_000_000
  @Option(help: "Timed runs of the engine; the median is reported.") var runs = 3
  @Option(help: "Customers in the SimPy run (SimPy runs about 100x slower).") var simpyCustomers = 1_000_000
  @Option(help: "Python interpreter that has simpy installed.") var python = "Benchmarks/.venv/bin/python"
  @Option(help: "The SimPy model script.") var simpyScript = "Benchmarks/simpy_mm1.py"
  @Flag(help: "Skip the SimPy comparison.") var noSimpy = false
  @Flag(help: "Skip the full model.") var noModel = false
  @Option(help: "Simulated minutes of the full model's long run (the short run is a tenth).") var modelMinutes = 60
  @Flag(help: "Skip the capacity hour.") var noCapacity = false
  @Option(help: "Simulated minutes of the capacity hour (its wall target is judged at 60 only).") var capacityMinutes = 60
  @Flag(help: "Skip the --jobs 1 / --jobs 2 scaling.") var noJobs = false
  @Option(help: "Replications of the full model in the jobs scaling.") var jobsReplications = 4
  @Option(help: "Simulated minutes of each replication in the jobs scaling.") var jobsMinutes = 2

  func validate() throws {
    for (name, value) in [("--customers", customers), ("--runs", runs), ("--simpy-customers", simpyCustomers),
                          ("--model-minutes", modelMinutes), ("--capacity-minutes", capacityMinutes),
                          ("--jobs-replications", jobsReplications), ("--jobs-minutes", jobsMinutes)] where value < 1 {
      throw ValidationError("\(name): expected an integer >= 1, found \(value)")
    }
  }

  func run() throws {
    MallocInterposerSwift.initialize()
    print("aggsim-bench: \(Self.build); \(machine())")
    if !Probe.interposerIsLoaded {
      print("allocations: not counted (run through `make bench`, which preloads libMallocInterposerSwift.so)")
    }
    var card = Scorecard()
    let rate = EngineBenchmark.run(customers: customers, runs: runs, into: &card)
    let bare = BareKernelBenchmark.run(customers: customers, runs: runs).eventsPerSecond
    print("engine / bare kernel: \((100 * rate / bare).fixed(0))%")
    if !noSimpy {
      EngineBenchmark.compare(rate: rate, bareRate: bare, python: python, script: simpyScript, customers: simpyCustomers,
                              into: &card)
    }
    if !noModel { ModelBenchmark.run(minutes: modelMinutes, into: &card) }
    if !noCapacity { CapacityHourBenchmark.run(minutes: capacityMinutes, into: &card) }
    if !noJobs {
      let measured = Self.waiting { [jobsReplications, jobsMinutes] in
        await JobsScalingBenchmark.measure(replications: jobsReplications, minutes: jobsMinutes)
      }
      JobsScalingBenchmark.judge(measured, into: &card)
    }
    card.printSummary(machine: machine())
    if card.failed { throw ExitCode.failure }
  }

  /// Runs `body` on the concurrency runtime and waits for its value.
  static func waiting<T: Sendable>(_ body: @escaping @Sendable () async -> T) -> T {
    let box = ResultBox<T>(), done = DispatchSemaphore(value: 0)
    Task {
      box.value = await body()
      done.signal()
    }
    done.wait()
    return box.value!
  }

  /// Which build this is: a debug build's figures say nothing about the targets.
  #if DEBUG
  static let build = "DEBUG build (the figures are not representative; `make bench` builds release)"
  #else
  static let build = "release build"
  #endif

  /// The cores and the 1-minute load average now: how much of the machine the figures had.
  func machine() -> String {
    "\(Probe.cores) cores, load average \(Probe.loadAverage().map { $0.fixed(2) } ?? "unknown")"
  }
}

/// A value handed from a task to the thread that waits for it: written once, before the
/// waiting thread is signalled, and read after.
private final class ResultBox<T>: @unchecked Sendable {
  var value: T?
}
