import ArgumentParser
import Foundation
import KernelSource
import Spec

extension EptCheck {
  /// `eptcheck sync --kernel DIR`: which modelled kernel functions a kernel tree changes since
  /// the model was last synced (`specs/kernel-sync.json`).
  struct Sync: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Report the modelled kernel functions a kernel tree changed since the last sync.",
      discussion: """
        Finds each @kernel(file, function) of the specs in the tree, fingerprints its \
        definition (comments and layout ignored) and compares it with the fingerprint \
        recorded in kernel-sync.json beside the specs. Exit codes: 0 nothing changed; 1 some \
        function changed, is missing, or has no recorded fingerprint; 64 bad usage; 65 a bad \
        spec or sync record; 74 the record could not be written (--update).
        """)

    @Option(name: .customLong("kernel"), help: "The root of a kernel source tree.")
    var kernel: String

    @Option(help: "The sync record (default: kernel-sync.json in the first spec directory).")
    var record: String?

    @Flag(help: "Write the tree's fingerprints into the record.")
    var update = false

    @Option(help: "With --update: the tree's description stored in the record.")
    var tree: String?

    @Argument(help: "Spec files or directories (default: ./specs): their mainline model.")
    var paths: [String] = []

    var resolved: [String] { paths.isEmpty ? ["specs"] : paths }

    func validate() throws {
      var isDirectory: ObjCBool = false
      guard FileManager.default.fileExists(atPath: kernel, isDirectory: &isDirectory),
        isDirectory.boolValue
      else {
        throw ValidationError("--kernel \(kernel): not a directory")
      }
      if tree != nil && !update { throw ValidationError("--tree needs --update") }
    }

    func run() throws {
      let spec = try SpecPaths.load(resolved)
      let recordPath = record ?? Self.defaultRecord(resolved)
      let previous: SyncRecord
      do {
        previous = try SyncRecord.read(path: recordPath)
      } catch {
        throw Failure.badRecord(error.description).exit()
      }
      let functions = Self.kernelFunctions(spec)
      let findings = KernelSync.compare(functions, tree: kernel, record: previous)
      Terminal.standardOutput.write(
        SyncReport(findings: findings, kernel: kernel, record: recordPath, tree: previous.tree)
          .text)
      if update {
        let next = KernelSync.updated(
          previous, with: findings, tree: tree ?? (previous.tree.isEmpty ? kernel : previous.tree))
        guard FileManager.default.createFile(atPath: recordPath, contents: next.encoded()) else {
          throw Failure.io("cannot write \(recordPath)").exit()
        }
        Terminal.standardOutput.write("wrote \(recordPath)\n")
        return
      }
      if findings.contains(where: { ![.unchanged, .notKernelSource].contains($0.status) }) {
        throw Outcome.unexpected
      }
    }

    /// One entry per kernel function of the mainline model, at its first declaration.
    static func kernelFunctions(_ spec: LoadedSpec) -> [ModelledKernelFunction] {
      var seen: Set<KernelReference> = []
      let functions = spec.baseFunctions.compactMap { f -> ModelledKernelFunction? in
        guard let kernel = f.kernel, seen.insert(kernel).inserted else { return nil }
        return ModelledKernelFunction(
          file: kernel.file, function: kernel.function,
          modelLocation: "\(f.location.file):\(f.location.line)")
      }
      return functions.sorted { ($0.file, $0.function) < ($1.file, $1.function) }
    }

    static func defaultRecord(_ paths: [String]) -> String {
      var isDirectory: ObjCBool = false
      let first = paths.first ?? "specs"
      if FileManager.default.fileExists(atPath: first, isDirectory: &isDirectory),
        isDirectory.boolValue
      {
        return (first as NSString).appendingPathComponent("kernel-sync.json")
      }
      return ((first as NSString).deletingLastPathComponent as NSString)
        .appendingPathComponent("kernel-sync.json")
    }
  }
}
