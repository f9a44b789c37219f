#!/usr/bin/env node
// Syntax check for generated PowerShell scripts, used by the Go tests in
// shells/powershell (TestTreeSitterSyntax).
//
// Install (from the module root; only the npm registry is needed, nothing is
// compiled — the grammar's WebAssembly build is loaded with web-tree-sitter):
//
//   npm ci --prefix shells/powershell/testdata
//
// Usage:
//
//   node check-syntax.cjs [--json | --expect-error] FILE...
//
// Each FILE is parsed with the tree-sitter PowerShell grammar. The script
// prints one line per problem (an ERROR node or a MISSING node) and exits 1
// if any file has a problem, 2 on a usage or setup error, 0 otherwise.
//
// With --expect-error the meaning is inverted for every FILE: each must have
// at least one problem (used by the Go tests to prove the check can fail).
//
// With --json it prints one JSON object per FILE instead,
//
//   {"file": NAME, "problems": [...], "statements": [...]}
//
// where each top-level statement is either
//
//   {"kind": "assign", "target": "$env:X", "operator": "=", "value": TEXT,
//    "literals": [TEXT of each verbatim string in the value]}
//
// or {"kind": "other", "type": NODE TYPE, "text": TEXT}, so that the Go test
// can check that every generated line parsed as the statement it meant.
// The exit status is as without --json.
//
// The grammar knows only the ASCII apostrophe as a single quote; PowerShell's
// typographic single quotes (U+2018-U+201B) are ordinary characters to it.
// That part of the quoting is checked by the Go model of PowerShell's
// tokenizer in model_test.go instead.
'use strict';

// V8's optimizing compiler spends about 8 s on the grammar's 1 MB of
// WebAssembly (its parse tables); the baseline compiler alone parses these
// small scripts just as well and starts in a fraction of a second.
require('node:v8').setFlagsFromString('--liftoff-only');

const fs = require('node:fs');
const path = require('node:path');
const { Parser, Language } = require('web-tree-sitter');

function problems(tree) {
  const found = [];
  const cursor = tree.walk();
  let descend = true;
  for (;;) {
    const node = cursor.currentNode;
    if (descend && (node.isError || node.isMissing)) {
      const p = node.startPosition;
      const what = node.isMissing ? `MISSING ${node.type}` : 'ERROR';
      found.push(`${p.row + 1}:${p.column + 1}: ${what}: ${JSON.stringify(node.text.slice(0, 60))}`);
    }
    if (descend && cursor.gotoFirstChild()) {
      continue;
    }
    if (cursor.gotoNextSibling()) {
      descend = true;
      continue;
    }
    if (!cursor.gotoParent()) {
      break;
    }
    descend = false;
  }
  // hasError also covers problems the walk above cannot see.
  if (found.length === 0 && tree.rootNode.hasError) {
    found.push('1:1: tree has an error');
  }
  return found;
}

function statements(tree) {
  const out = [];
  const root = tree.rootNode;
  const lists = root.namedChildren.filter((n) => n.type === 'statement_list');
  for (const list of lists) {
    for (const stmt of list.namedChildren) {
      const first = stmt.namedChildren[0];
      if (stmt.type === 'pipeline' && first && first.type === 'assignment_expression') {
        const parts = first.namedChildren;
        const value = first.childForFieldName('value');
        out.push({
          kind: 'assign',
          target: parts[0] ? parts[0].text : null,
          operator: parts[1] ? parts[1].text : null,
          value: value ? value.text : null,
          literals: value ? value.descendantsOfType('verbatim_string_characters').map((n) => n.text) : [],
        });
      } else {
        out.push({ kind: 'other', type: stmt.type, text: stmt.text });
      }
    }
  }
  return out;
}

async function main(argv) {
  let expectError = false;
  let json = false;
  const files = [];
  for (const arg of argv) {
    if (arg === '--expect-error') {
      expectError = true;
    } else if (arg === '--json') {
      json = true;
    } else {
      files.push(arg);
    }
  }
  if (files.length === 0 || (json && expectError)) {
    console.error('usage: node check-syntax.cjs [--json | --expect-error] FILE...');
    return 2;
  }

  await Parser.init();
  const wasm = require.resolve('tree-sitter-powershell/tree-sitter-powershell.wasm', {
    paths: [__dirname],
  });
  const language = await Language.load(wasm);
  const parser = new Parser();
  parser.setLanguage(language);

  let failed = false;
  for (const file of files) {
    const source = fs.readFileSync(file, 'utf8');
    const tree = parser.parse(source);
    const found = problems(tree);
    const stmts = json ? statements(tree) : null;
    tree.delete();
    const name = path.basename(file);
    if (json) {
      console.log(JSON.stringify({ file: name, problems: found, statements: stmts }));
      failed = failed || found.length > 0;
      continue;
    }
    if (expectError) {
      if (found.length === 0) {
        console.log(`${name}: expected a syntax error, found none`);
        failed = true;
      }
      continue;
    }
    for (const p of found) {
      console.log(`${name}:${p}`);
    }
    if (found.length > 0) {
      failed = true;
    }
  }
  parser.delete();
  return failed ? 1 : 0;
}

// Set the exit code and let node exit by itself: process.exit() can cut
// off output still queued for a pipe (stdout to a pipe is asynchronous).
main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    console.error(err && err.stack ? err.stack : String(err));
    process.exitCode = 2;
  },
);
