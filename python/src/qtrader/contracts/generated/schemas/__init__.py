# Generated: bundled copy of contracts/schemas. DO NOT EDIT.
