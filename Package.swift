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
    // Cross-module optimisation lets callers specialise the engine's generic search for their
    // system (3x faster DPOR on small systems); it rules out using Explorer as a dependency of
    // another package, which nothing does.
    .target(name: "Explorer", swiftSettings: [.unsafeFlags(["-cross-module-optimization"])]),
    .target(
      name: "Spec", dependencies: ["Explorer"],
      swiftSettings: [.unsafeFlags(["-cross-module-optimization"])]),
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
      exclude: ["Fixtures", "CheckFixtures"]),
    .testTarget(name: "eptcheckTests", dependencies: ["eptcheck"], exclude: ["Fixtures"]),
  ]
)
