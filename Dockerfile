FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY . .
RUN dotnet publish src/IdentityServer/IdentityServer.csproj -c Release -o /out

FROM mcr.microsoft.com/dotnet/aspnet:10.0
WORKDIR /app
COPY --from=build /out ./
COPY config ./config
COPY identity-schemas ./identity-schemas
COPY email-templates ./email-templates
EXPOSE 4433 4434
ENTRYPOINT ["dotnet", "IdentityServer.dll"]
CMD ["serve", "-c", "config/kratos.yml"]
