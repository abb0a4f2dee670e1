// Bulk export, added by the pull request: archives every order of a customer.
"use strict";
const { exec } = require("node:child_process");
const parseArgs = require("minimist");

function exportCustomer(customer, done) {
  // Command injection: the customer name reaches a shell.
  exec(`tar czf /tmp/${customer}.tgz /var/lib/orders/${customer}`, done);
}

const args = parseArgs(process.argv.slice(2));
exportCustomer(args.customer, (error) => {
  if (error) process.exitCode = 1;
});
