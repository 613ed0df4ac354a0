/// The full model (`BenchmarkModels.fullModel`) on a short run and a long one: events per second
/// against issue 9's ≥ 5 M, and no allocation per event (the long run, ten times the simulated
/// time, must not allocate more than the short one).
enum ModelBenchmark {
  static func run(minutes: Int, into card: inout Scorecard) {
    print("")
    print("full model: 10 extension servers × 2 pods, 10 clients × 500 req/s, APF defaults, lognormal links (one core)")
    let (_, long) = ModelRun.shortAndLong(minutes: minutes, labels: ("model", "model"),
                                          allocationTarget: "full model 0 allocations/event", into: &card,
                                          BenchmarkModels.fullModel)
    card.judge("full model ≥ 5 M events/s", met: long.eventsPerSecond >= 5e6,
               figure: "\((long.eventsPerSecond / 1e6).fixed(2)) M over \(minutes) simulated min")
  }
}
