public import SimCore

/// A queueing model with a known analytic answer, used to prove the engine: the tests assert
/// that the analytic value lies inside the simulated confidence interval, and `aggsim
/// selfcheck` prints the same comparison for a user who wants to see it.
public struct ReferenceCase: Sendable, CustomStringConvertible {
  /// What is measured in each replication.
  public enum Metric: String, Sendable {
    case meanWait = "mean wait in queue (s)"
    case blockingProbability = "blocking probability"
  }

  public var name: String
  public var description: String { name }
  /// The formula the analytic value comes from.
  public var formula: String
  public var configuration: StationConfiguration
  public var metric: Metric
  public var analytic: Double
  /// Widest confidence half-width, relative to the analytic value, that still makes the check
  /// meaningful: an interval wider than this would pass without proving anything.
  public var maxRelativeHalfWidth: Double

  /// Customers per replication and warm-up arrivals dropped from each.
  public static let customers = 100_000, warmup = 5_000

  static func poisson(_ ratePerSecond: Double) -> Distribution { .exponential(mean: .seconds(1 / ratePerSecond)) }

  /// The five classic checks: M/M/1, M/M/c, M/D/1, M/G/1 (lognormal service) and M/M/c/c.
  public static func all() -> [ReferenceCase] {
    // Lognormal with mean 1 s and cv 1.5 (valid constants, so the factory cannot throw).
    let lognormal = try! Distribution.lognormal(mean: .seconds(1), cv: 1.5)
    func station(_ λ: Double, _ service: Distribution, servers: Int = 1, capacity: Int? = nil) -> StationConfiguration {
      StationConfiguration(interarrival: poisson(λ), service: service, servers: servers, capacity: capacity,
                           customers: customers, warmupCustomers: warmup)
    }
    let exp1 = Distribution.exponential(mean: .seconds(1))
    return [
      ReferenceCase(name: "M/M/1 ρ=0.8", formula: "ρ/(μ−λ)", configuration: station(0.8, exp1),
                    metric: .meanWait, analytic: QueueingTheory.mm1MeanWait(arrivalRate: 0.8, serviceRate: 1),
                    maxRelativeHalfWidth: 0.06),
      ReferenceCase(name: "M/M/4 ρ=0.8", formula: "Erlang C/(cμ−λ)", configuration: station(3.2, exp1, servers: 4),
                    metric: .meanWait, analytic: QueueingTheory.mmcMeanWait(servers: 4, arrivalRate: 3.2, serviceRate: 1),
                    maxRelativeHalfWidth: 0.06),
      ReferenceCase(name: "M/D/1 ρ=0.8", formula: "ρD/(2(1−ρ))", configuration: station(0.8, .constant(.seconds(1))),
                    metric: .meanWait, analytic: QueueingTheory.md1MeanWait(arrivalRate: 0.8, serviceTime: 1),
                    maxRelativeHalfWidth: 0.05),
      ReferenceCase(name: "M/G/1 lognormal cv=1.5 ρ=0.7", formula: "λE[S²]/(2(1−ρ))", configuration: station(0.7, lognormal),
                    metric: .meanWait,
                    analytic: QueueingTheory.mg1MeanWait(arrivalRate: 0.7, serviceMean: 1, serviceStandardDeviation: 1.5),
                    maxRelativeHalfWidth: 0.08),
      ReferenceCase(name: "M/M/5/5 a=4", formula: "Erlang B", configuration: station(4, exp1, servers: 5, capacity: 5),
                    metric: .blockingProbability, analytic: QueueingTheory.erlangB(servers: 5, offeredLoad: 4),
                    maxRelativeHalfWidth: 0.03),
    ]
  }

  /// The metric of each replication and their Student-t interval at `level`.
  public struct Outcome: Sendable {
    public var values: [Double]
    public var interval: ConfidenceInterval?
  }

  /// Runs `replications` independent replications seeded from `seed`, `jobs` at a time.
  public func run(replications: Int, seed: UInt32, jobs: Int, level: Double = 0.99) async throws(StreamSeeds.SeedError) -> Outcome {
    guard replications <= StreamSeeds.maxReplications else {
      throw StreamSeeds.SeedError(description: "at most \(StreamSeeds.maxReplications) replications, found \(replications)")
    }
    let configuration = configuration, metric = metric
    let values = await Replications.run(count: replications, jobs: jobs) { index in
      // The index is below maxReplications, checked above, so the registry cannot fail.
      var station = MultiServerQueue(configuration, streams: try! StreamRegistry(runSeed: seed, replication: index))
      let result = station.run()
      return metric == .meanWait ? result.wait.mean : result.blockingProbability
    }
    return Outcome(values: values, interval: ConfidenceInterval.studentT(of: values, level: level))
  }
}
