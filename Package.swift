// swift-tools-version: 6.0
import PackageDescription

let package = Package(
  name: "eptcheck",
  platforms: [.macOS(.v14)],
  products: [
    .executable(name: "eptcheck", targets: ["eptcheck"]),
    .library(name: "Explorer", targets: ["Explorer"]),
    .library(name: "Spec", targets: ["Spec"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
  ],
  targets: [
    // No unsafe flags, so that Explorer can be a dependency of another package. Full
    // cross-module optimisation saved 0-2.5% of the instructions of the spec workloads and 5% of
    // the engine's on a tiny system (README, Dependencies): not worth that.
    .target(name: "Explorer"),
    .target(name: "Spec", dependencies: ["Explorer"], exclude: ["README.md"]),
    .executableTarget(
      name: "eptcheck",
      dependencies: [
        "Explorer", "ExplorerTestSupport", "KernelSource", "Spec",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]
    ),
    .target(name: "ExplorerTestSupport", dependencies: ["Explorer"]),
    .target(name: "KernelSource"),
    .executableTarget(name: "benchmarks", dependencies: ["Explorer", "ExplorerTestSupport", "Spec"]),
    .testTarget(name: "ExplorerTests", dependencies: ["Explorer", "ExplorerTestSupport"]),
    .testTarget(name: "KernelSourceTests", dependencies: ["KernelSource"]),
    .testTarget(
      name: "SpecTests", dependencies: ["Spec", "Explorer", "ExplorerTestSupport"],
      exclude: ["Fixtures", "CheckFixtures", "LockFixtures"]),
    .testTarget(name: "eptcheckTests", dependencies: ["eptcheck"], exclude: ["Fixtures"]),
  ]
)
