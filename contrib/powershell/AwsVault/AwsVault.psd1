@{
    RootModule        = 'AwsVault.psm1'
    ModuleVersion     = '0.1.0'
    GUID              = '6c0b1f3e-3a51-4f61-9a76-2a4f0d6b8e11'
    Description       = 'aws-vault shell integration: directory profiles, refresh, prompt and completion.'
    PowerShellVersion = '5.1'
    FunctionsToExport = @('Use-AwsVault', 'Clear-AwsVault')
}
