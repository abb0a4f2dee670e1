// Orders service: exports an order as a file. A small service with real weaknesses, for the
// secflow demo. Do not deploy.
"use strict";
const http = require("node:http");
const fs = require("node:fs");
const path = require("node:path");
const _ = require("lodash");

const EXPORT_DIR = "/var/lib/orders/exports";

function readOrder(id) {
  // Path traversal: the id comes straight from the query string.
  return JSON.parse(fs.readFileSync(path.join(EXPORT_DIR, id), "utf8"));
}

function applyDiscount(order, formula) {
  // Code injection: a discount formula from the request is evaluated.
  return eval(formula.replace("price", String(order.price)));
}

http
  .createServer((req, res) => {
    const url = new URL(req.url, "http://localhost");
    const order = readOrder(url.searchParams.get("id"));
    const total = applyDiscount(order, url.searchParams.get("discount") || "price");
    res.end(JSON.stringify(_.merge({}, order, { total })));
  })
  .listen(8080);
