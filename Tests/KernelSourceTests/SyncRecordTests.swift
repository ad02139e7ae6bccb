import Foundation
import Testing

@testable import KernelSource

/// Reading and writing `kernel-sync.json`: exact round trips, exact errors.
@Suite struct SyncRecordTests {
  static func write(_ text: String) throws -> String {
    let path = FileManager.default.temporaryDirectory
      .appendingPathComponent("sync-record-\(UUID().uuidString).json").path
    try text.write(toFile: path, atomically: true, encoding: .utf8)
    return path
  }

  @Test func roundTripsSortedAndStable() throws {
    let record = SyncRecord(
      tree: "v7.2",
      functions: [
        .init(file: "b.c", function: "g", fingerprint: "0000000000000002"),
        .init(file: "a.c", function: "f", fingerprint: "0000000000000001"),
      ])
    let path = try Self.write(String(decoding: record.encoded(), as: UTF8.self))
    let read = try SyncRecord.read(path: path)
    #expect(read == record)
    #expect(read.functions.map(\.function) == ["f", "g"])
    #expect(read.encoded() == record.encoded())
    #expect(String(decoding: record.encoded(), as: UTF8.self).hasSuffix("}\n"))
  }

  @Test func aMissingRecordIsEmpty() throws {
    let record = try SyncRecord.read(path: "/no/such/kernel-sync.json")
    #expect(record.functions.isEmpty)
    #expect(record.tree == "")
  }

  @Test(arguments: [
    ("not json", "not valid JSON"),
    (#"{"version": 1, "tree": "t"}"#, "missing field 'functions'"),
    (#"{"version": 2, "tree": "t", "functions": []}"#, "version 2, expected 1"),
    (#"{"version": 1, "tree": 3, "functions": []}"#, "wrong type at 'tree'"),
    (
      #"{"version": 1, "tree": "t", "functions": [{"file": "a.c", "function": "f", "fingerprint": "xyz"}]}"#,
      "fingerprint of f is not 16 hex digits"
    ),
  ])
  func malformedRecordsAreNamed(text: String, reason: String) throws {
    let path = try Self.write(text)
    #expect(throws: SyncRecord.ReadError.malformed(path: path, reason: reason)) {
      try SyncRecord.read(path: path)
    }
  }
}
