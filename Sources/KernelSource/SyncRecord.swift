import Foundation

/// `specs/kernel-sync.json`: the fingerprint of each modelled kernel function in the tree the
/// model was last synced with, so that `eptcheck sync` can say which of them a newer tree changes.
public struct SyncRecord: Codable, Equatable, Sendable {
  public static let currentVersion = 1

  public struct Entry: Codable, Equatable, Sendable {
    public var file: String
    public var function: String
    public var fingerprint: String

    public init(file: String, function: String, fingerprint: String) {
      self.file = file
      self.function = function
      self.fingerprint = fingerprint
    }
  }

  public var version: Int
  /// What tree the fingerprints come from, in words (`v7.2 mainline, commit ...`).
  public var tree: String
  public var functions: [Entry]

  public init(tree: String, functions: [Entry]) {
    self.version = Self.currentVersion
    self.tree = tree
    self.functions = functions.sorted { ($0.file, $0.function) < ($1.file, $1.function) }
  }

  /// Why a record could not be read.
  public enum ReadError: Error, Equatable, CustomStringConvertible {
    case unreadable(path: String)
    case malformed(path: String, reason: String)

    public var description: String {
      switch self {
      case .unreadable(let path): return "\(path): cannot read the sync record"
      case .malformed(let path, let reason): return "\(path): not a sync record: \(reason)"
      }
    }
  }

  /// Reads a record; a missing file is an empty record, anything unreadable an error.
  public static func read(path: String) throws(ReadError) -> SyncRecord {
    guard FileManager.default.fileExists(atPath: path) else {
      return SyncRecord(tree: "", functions: [])
    }
    guard let data = FileManager.default.contents(atPath: path) else {
      throw .unreadable(path: path)
    }
    let record: SyncRecord
    do {
      record = try JSONDecoder().decode(SyncRecord.self, from: data)
    } catch {
      throw .malformed(path: path, reason: Self.reason(error))
    }
    guard record.version == currentVersion else {
      throw .malformed(path: path, reason: "version \(record.version), expected \(currentVersion)")
    }
    for entry in record.functions where FunctionFingerprint(hex: entry.fingerprint) == nil {
      throw .malformed(
        path: path, reason: "fingerprint of \(entry.function) is not 16 hex digits")
    }
    return record
  }

  /// The record as the file stores it: sorted keys, one entry a line group, a final newline.
  public func encoded() -> Data {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    var data = (try? encoder.encode(self)) ?? Data()
    data.append(UInt8(ascii: "\n"))
    return data
  }

  public func fingerprint(file: String, function: String) -> String? {
    functions.first { $0.file == file && $0.function == function }?.fingerprint
  }

  private static func reason(_ error: Error) -> String {
    switch error {
    case DecodingError.keyNotFound(let key, _): return "missing field '\(key.stringValue)'"
    case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
      let path = context.codingPath.map(\.stringValue).joined(separator: ".")
      return "wrong type at '\(path)'"
    default: return "not valid JSON"
    }
  }
}
