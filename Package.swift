// swift-tools-version:6.1
// aggsim: a discrete-event simulator of the Kubernetes API aggregation layer.
// Dependencies point one way: CGSL → SimCore → AggregationModel (knows nothing of YAML or CSV)
// → Scenario (YAML in) and SimOutput (CSV out) → aggsim; QueueingModels holds the reference
// models the engine is proven on.
import PackageDescription

/// Upcoming features every target is built with: `any P` spelled out, GSL and Yams kept out of
/// public signatures, and members visible only through what a file imports.
let strict: [SwiftSetting] = [
  .enableUpcomingFeature("ExistentialAny"),
  .enableUpcomingFeature("InternalImportsByDefault"),
  .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
  name: "aggsim",
  platforms: [.macOS(.v14)],
  products: [
    .library(name: "SimCore", targets: ["SimCore"]),
    .library(name: "QueueingModels", targets: ["QueueingModels"]),
    .library(name: "AggregationModel", targets: ["AggregationModel"]),
    .library(name: "Scenario", targets: ["Scenario"]),
    .library(name: "SimOutput", targets: ["SimOutput"]),
    .executable(name: "aggsim", targets: ["aggsim"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
    .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0"),
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    .package(url: "https://github.com/ordo-one/malloc-interposer", from: "1.6.1"),
    // SHA-256 of APF's flow hash (apf_controller.go `hashFlowID`).
    .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
  ],
  targets: [
    .systemLibrary(name: "CGSL", pkgConfig: "gsl", providers: [.apt(["libgsl-dev"])]),
    .target(
      name: "SimCore",
      dependencies: [
        "CGSL",
        .product(name: "HeapModule", package: "swift-collections"),
        .product(name: "DequeModule", package: "swift-collections"),
        .product(name: "Histogram", package: "hdrhistogram-swift"),
      ],
      swiftSettings: strict
    ),
    .target(
      name: "QueueingModels",
      dependencies: ["SimCore", .product(name: "DequeModule", package: "swift-collections")],
      swiftSettings: strict
    ),
    .target(
      name: "AggregationModel",
      dependencies: ["SimCore", .product(name: "DequeModule", package: "swift-collections"),
                     .product(name: "Crypto", package: "swift-crypto")],
      swiftSettings: strict
    ),
    .target(
      name: "Scenario",
      dependencies: ["SimCore", "AggregationModel", .product(name: "Yams", package: "Yams")],
      swiftSettings: strict
    ),
    .target(name: "SimOutput", dependencies: ["SimCore"], swiftSettings: strict),
    .executableTarget(
      name: "aggsim",
      dependencies: [
        "SimCore", "QueueingModels", "AggregationModel", "Scenario", "SimOutput", "CProcessMemory",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ],
      swiftSettings: strict
    ),
    // The allocator's bytes in use (glibc `mallinfo2`), for the peak heap in metadata.json.
    .target(name: "CProcessMemory"),
    // `make fuzz`: libFuzzer over the scenario reader and a budgeted run (a replayer otherwise).
    .target(name: "CFuzzerDriver"),
    .executableTarget(
      name: "aggsim-fuzz",
      dependencies: ["SimCore", "AggregationModel", "Scenario", "CFuzzerDriver"],
      swiftSettings: strict
    ),
    // `make bench`: the engine on M/M/1 against SimPy and the full model, allocations counted
    // by a preloaded interposer.
    .executableTarget(
      name: "aggsim-bench",
      dependencies: [
        "SimCore", "QueueingModels", "AggregationModel",
        .product(name: "HeapModule", package: "swift-collections"),
        .product(name: "DequeModule", package: "swift-collections"),
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
        .product(name: "MallocInterposerSwift", package: "malloc-interposer"),
      ],
      swiftSettings: strict
    ),
    .testTarget(name: "SimCoreTests", dependencies: ["SimCore", "CGSL"], swiftSettings: strict),
    .testTarget(name: "QueueingModelsTests", dependencies: ["QueueingModels", "SimCore"], swiftSettings: strict),
    .testTarget(name: "AggregationModelTests", dependencies: ["AggregationModel", "SimCore", "QueueingModels"],
                swiftSettings: strict),
    .testTarget(name: "ScenarioTests", dependencies: ["Scenario", "SimCore", "AggregationModel"],
                resources: [.copy("Fixtures")], swiftSettings: strict),
    .testTarget(name: "SimOutputTests", dependencies: ["SimOutput", "SimCore"], swiftSettings: strict),
    // Runs the built `aggsim` binary (the dependency makes `swift test` build it).
    .testTarget(name: "EndToEndTests", dependencies: ["aggsim", "Scenario"], exclude: ["Fixtures", "Golden"], swiftSettings: strict),
  ]
)
