return await IdentityServer.Cli.CommandLine.RunAsync(args);
