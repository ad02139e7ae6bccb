import Foundation

/// A kernel function the model mirrors (`@kernel(file, function)`), and where the model has it.
public struct ModelledKernelFunction: Hashable, Sendable {
  public var file: String
  public var function: String
  /// `specs/tdp_mmu.ept:40`.
  public var modelLocation: String

  public init(file: String, function: String, modelLocation: String) {
    self.file = file
    self.function = function
    self.modelLocation = modelLocation
  }
}

/// Compares the modelled kernel functions with a kernel source tree and with the fingerprints
/// recorded when the model was last synced.
public enum KernelSync {
  public enum Status: Equatable, Sendable {
    /// Same fingerprint as recorded.
    case unchanged
    /// The tree's definition differs from the recorded one: the model may need the change.
    case changed
    /// Found, but the record has no fingerprint for it yet.
    case notRecorded
    /// The file is not in the tree.
    case fileMissing
    /// The file is there, the function is not defined in it.
    case functionMissing
    /// The reference does not name a C file inside a tree (`TDX module`).
    case notKernelSource
  }

  public struct Finding: Equatable, Sendable {
    public var function: ModelledKernelFunction
    public var status: Status
    /// The tree's fingerprint, when the function was found.
    public var fingerprint: FunctionFingerprint?
    /// The line of the tree's (first) definition.
    public var line: Int?
  }

  /// One finding per modelled function, in the order given.
  public static func compare(
    _ functions: [ModelledKernelFunction], tree root: String, record: SyncRecord
  ) -> [Finding] {
    var sources: [String: CSource?] = [:]
    return functions.map { function in
      guard isSourcePath(function.file) else {
        return Finding(function: function, status: .notKernelSource)
      }
      if sources[function.file] == nil {
        let path = (root as NSString).appendingPathComponent(function.file)
        let text = FileManager.default.contents(atPath: path).map {
          String(decoding: $0, as: UTF8.self)
        }
        sources[function.file] = text.map { CSource(text: $0) }
      }
      guard let source = sources[function.file] ?? nil else {
        return Finding(function: function, status: .fileMissing)
      }
      let definitions = source.definitions(of: function.function)
      guard let first = definitions.first else {
        return Finding(function: function, status: .functionMissing)
      }
      let fingerprint = FunctionFingerprint(definitions: definitions.map(\.text))
      let status: Status
      switch record.fingerprint(file: function.file, function: function.function) {
      case nil: status = .notRecorded
      case fingerprint.description?: status = .unchanged
      default: status = .changed
      }
      return Finding(function: function, status: status, fingerprint: fingerprint, line: first.line)
    }
  }

  /// The record with the fingerprints the tree has now; functions the tree lacks keep theirs.
  public static func updated(_ record: SyncRecord, with findings: [Finding], tree: String)
    -> SyncRecord
  {
    var entries: [String: SyncRecord.Entry] = [:]
    for entry in record.functions { entries["\(entry.file)\0\(entry.function)"] = entry }
    for finding in findings {
      guard let fingerprint = finding.fingerprint else { continue }
      let f = finding.function
      entries["\(f.file)\0\(f.function)"] = SyncRecord.Entry(
        file: f.file, function: f.function, fingerprint: fingerprint.description)
    }
    return SyncRecord(tree: tree, functions: Array(entries.values))
  }

  /// A relative path to a `.c` or `.h` file that stays inside the tree.
  static func isSourcePath(_ file: String) -> Bool {
    guard file.hasSuffix(".c") || file.hasSuffix(".h"), !file.hasPrefix("/") else { return false }
    return !file.split(separator: "/").contains("..")
  }
}
