// Placeholder CLI entry; replaced by the command dispatcher.
console.log('autorenew: under construction');
