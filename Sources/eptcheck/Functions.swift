import ArgumentParser
import Foundation
import Spec

extension EptCheck {
  /// `eptcheck functions`: the kernel map, one row per `@kernel` function of the specs, with the
  /// releases it models and its fidelity (docs/kernel-map.md is its output).
  struct Functions: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Print the kernel map: every modelled kernel function, its releases and fidelity.")

    @Argument(help: "Spec directories (default: ./specs).")
    var paths: [String] = []

    func run() throws {
      let roots = paths.isEmpty ? ["specs"] : paths
      var releases: [(name: String, spec: LoadedSpec)] = []
      for release in [LoadedSpec.mainline] + LoadedSpec.releases(in: roots) {
        let spec = try SpecPaths.load(
          roots, kernel: release == LoadedSpec.mainline ? nil : release, warnings: false)
        releases.append((release, spec))
      }
      Terminal.standardOutput.write(
        KernelMap(releases: releases, roots: roots).markdown)
    }
  }
}
