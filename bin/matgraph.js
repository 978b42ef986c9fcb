#!/usr/bin/env node
"use strict";
// The CLI is compiled by `npm run build` (run by `npm install` through "prepare").
require("../dist/src/cli/index.js").main(process.argv);
