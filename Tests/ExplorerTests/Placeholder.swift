import Testing

@Test func placeholderExplorerTests() {}
