import {Args} from '@oclif/core'

import {BaseCommand} from '../base-command.js'

export default class PullCheck extends BaseCommand {
  static override args = {image: Args.string({description: 'Image reference'})}
  static override description = 'Check that images can be pulled (work in progress)'
  static override enableJsonFlag = true
  static override strict = false

  public async run(): Promise<{images: string[]}> {
    const {argv} = await this.parse(PullCheck)
    return {images: argv as string[]}
  }
}
